package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.AllOf;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.IndependentChecks;
import dev.lbkit.healthcheck.NetworkCheck;
import dev.lbkit.healthcheck.Transport;
import dev.lbkit.healthcheck.dns.DnsCheck;
import dev.lbkit.healthcheck.http.UrlRound;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/** Runs attempts on one {@link EventLoop}: network checks as {@link NetProbe}s, programs as {@link ProcessProbe}s. */
public final class LoopProber implements Prober {
  private final EventLoop loop;
  private final Optional<ScriptUser> scriptUser;
  private final boolean scriptSecurity;

  public LoopProber(EventLoop loop) {
    this(loop, Optional.empty(), false);
  }

  /**
   * Runs MISC_CHECK programs as {@code scriptUser} unless a check names its own (keepalived's script_user), and
   * refuses unsafe ones when {@code scriptSecurity} (keepalived's enable_script_security).
   */
  public LoopProber(EventLoop loop, Optional<ScriptUser> scriptUser, boolean scriptSecurity) {
    this.loop = loop;
    this.scriptUser = scriptUser;
    this.scriptSecurity = scriptSecurity;
  }

  @Override
  public void probe(Check check, Duration timeout, Consumer<CheckResult> done) {
    if (!loop.inLoop()) {
      loop.execute(() -> probe(check, timeout, done));
      return;
    }
    if (loop.connector() != null && ConnectProbe.fits(check)) {
      ConnectProbe.start(loop, loop.connector(), (TcpCheck) check, timeout, done);
      return;
    }
    if (check instanceof DnsCheck && ((DnsCheck) check).transport() == Transport.UDP) {
      probeDns((DnsCheck) check, timeout, done);
    } else if (check instanceof NetworkCheck) {
      new NetProbe(loop, (NetworkCheck) check, timeout, done).start();
    } else if (check instanceof MiscCheck) {
      ProcessProbe.start(loop, (MiscCheck) check, scriptUser, scriptSecurity, timeout, done);
    } else if (check instanceof AllOf || check instanceof IndependentChecks || check instanceof UrlRound) {
      // run once, independent checks are all of their members' checks, a url round all of its urls
      List<Check> all = check instanceof AllOf ? ((AllOf) check).checks()
          : check instanceof UrlRound ? List.copyOf(((UrlRound) check).urls())
          : ((IndependentChecks) check).checks();
      runAll(all, 0, loop.nanoTime() + EventLoop.saturatedNanos(timeout), new ArrayList<>(),
          done);
    } else {
      done.accept(new CheckResult.Down(DownReason.CHECK_ERROR, "unsupported check type "
          + check.getClass().getName()));
    }
  }

  /** A DNS query over UDP, asked again over TCP when the answer comes back truncated (see {@link DnsCheck}). */
  private void probeDns(DnsCheck check, Duration timeout, Consumer<CheckResult> done) {
    long deadlineNanos = loop.nanoTime() + EventLoop.saturatedNanos(timeout);
    new NetProbe(loop, check, timeout, r -> {
      long left = deadlineNanos - loop.nanoTime();
      if (!(r instanceof CheckResult.Down) || ((CheckResult.Down) r).reason() != DownReason.TRUNCATED || left <= 0) {
        done.accept(r);
        return;
      }
      new NetProbe(loop, check.overTcp(), Duration.ofNanos(left), tcp -> done.accept(tcp instanceof CheckResult.Down
          ? new CheckResult.Down(((CheckResult.Down) tcp).reason(), "UDP answer truncated; over TCP: "
              + tcp.detail())
          : new CheckResult.Up("UDP answer truncated; over TCP: " + tcp.detail(), OptionalInt.empty(),
              OptionalInt.empty()))).start();
    }).start();
  }

  private void runAll(List<Check> checks, int index, long deadlineNanos, List<CheckResult.Up> passed,
      Consumer<CheckResult> done) {
    long left = deadlineNanos - loop.nanoTime();
    if (left <= 0) {
      done.accept(new CheckResult.Down(DownReason.TIMEOUT, "deadline passed before " + checks.get(index).describe()));
      return;
    }
    probe(checks.get(index), Duration.ofNanos(left), r -> {
      if (!r.isUp()) {
        done.accept(r);
      } else if (index == checks.size() - 1) {
        done.accept(merge(passed, (CheckResult.Up) r));
      } else {
        passed.add((CheckResult.Up) r);
        runAll(checks, index + 1, deadlineNanos, passed, done);
      }
    });
  }

  /** All passed: one Up with every detail, keeping the weight a check asked for (the last one that did). */
  private static CheckResult merge(List<CheckResult.Up> earlier, CheckResult.Up last) {
    if (earlier.isEmpty()) {
      return last;
    }
    List<CheckResult.Up> all = new ArrayList<>(earlier);
    all.add(last);
    OptionalInt weight = OptionalInt.empty();
    OptionalInt percent = OptionalInt.empty();
    StringBuilder detail = new StringBuilder();
    for (CheckResult.Up u : all) {
      if (u.weight().isPresent()) {
        weight = u.weight();
      }
      if (u.weightPercent().isPresent()) {
        percent = u.weightPercent();
      }
      detail.append(detail.length() == 0 ? "" : "; ").append(u.detail());
    }
    return new CheckResult.Up(detail.toString(), weight, percent);
  }
}
