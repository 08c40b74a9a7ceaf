package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.AllOf;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.NetworkCheck;
import dev.lbkit.healthcheck.misc.MiscCheck;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Runs attempts on one {@link EventLoop}: network checks as {@link NetProbe}s, programs as {@link ProcessProbe}s. */
public final class LoopProber implements Prober {
  private final EventLoop loop;

  public LoopProber(EventLoop loop) {
    this.loop = loop;
  }

  @Override
  public void probe(Check check, Duration timeout, Consumer<CheckResult> done) {
    if (!loop.inLoop()) {
      loop.execute(() -> probe(check, timeout, done));
      return;
    }
    if (check instanceof NetworkCheck) {
      new NetProbe(loop, (NetworkCheck) check, timeout, done).start();
    } else if (check instanceof MiscCheck) {
      ProcessProbe.start(loop, (MiscCheck) check, timeout, done);
    } else if (check instanceof AllOf) {
      runAll(((AllOf) check).checks(), 0, loop.nanoTime() + EventLoop.saturatedNanos(timeout), done);
    } else {
      done.accept(new CheckResult.Down(DownReason.CHECK_ERROR, "unsupported check type "
          + check.getClass().getName()));
    }
  }

  private void runAll(List<Check> checks, int index, long deadlineNanos, Consumer<CheckResult> done) {
    long left = deadlineNanos - loop.nanoTime();
    if (left <= 0) {
      done.accept(new CheckResult.Down(DownReason.TIMEOUT, "deadline passed before " + checks.get(index).describe()));
      return;
    }
    probe(checks.get(index), Duration.ofNanos(left), r -> {
      if (!r.isUp() || index == checks.size() - 1) {
        done.accept(r);
      } else {
        runAll(checks, index + 1, deadlineNanos, done);
      }
    });
  }
}
