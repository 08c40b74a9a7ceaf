package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.internal.jna.Spawner;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.misc.ScriptUser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link MiscCheck}, as keepalived's {@code misc_check_thread}/{@code misc_check_child_thread}: the
 * program starts in a process group of its own ({@link Spawner}), the loop collects its wait status by polling
 * (a few milliseconds apart, backing off to 20 ms; no thread per program), and the status says which ending it
 * was: an exit code, or a signal.
 *
 * <p>At the deadline the result is TIMEOUT at once, and the group gets SIGTERM, then SIGKILL two seconds later if
 * the program is still there (keepalived's REQUESTING then FORCING termination); a program that ends from our
 * SIGTERM has the rest of its group killed too. The loop keeps reaping until the program is gone.
 *
 * <p>When the checker closes while the program runs, the group gets SIGTERM, as keepalived 2.2.7's checker sends
 * it when it stops (notify.c {@code script_killall}, from check_daemon.c {@code checker_terminate_phase1}), and the
 * program has one second to end, as keepalived waits about a second for its scripts before it exits. Watched under
 * strace in the kernel lab, keepalived 2.2.7 then exits without sending SIGKILL: a program that ignores SIGTERM is
 * left running, and gets SIGTERM again from {@code PR_SET_PDEATHSIG} as keepalived's processes exit (its source has
 * a path that SIGKILLs such a child's group after that second, {@code child_killed_thread}, which the run never
 * reached before the exit). lbkit does not exit, so it sends that SIGKILL to the group instead: nothing it started is
 * left running or unreaped. The result is reported at once (checker closed); the closing loop waits for the program
 * ({@link EventLoop#linger}) and reaps it, so a program that ends on SIGTERM costs the close a few milliseconds and
 * one that ignores it a second. A program that ends within that second has the rest of its group killed, as after a
 * timeout.
 *
 * <p>With a script user other than the JVM's own (root needed), the program is started through util-linux
 * {@code setpriv}, which sets the group, that group alone as supplementary group, then the user, and execs the
 * program in place: the same steps and order as keepalived's {@code set_privileges}.
 */
final class ProcessProbe {
  private static final Logger log = LoggerFactory.getLogger(ProcessProbe.class);
  private static final int SIGKILL = 9;
  private static final int SIGTERM = 15;
  private static final Duration TERM_GRACE = Duration.ofSeconds(2); // keepalived: 2 s from SIGTERM to SIGKILL
  /** From SIGTERM to SIGKILL at close: keepalived's shutdown waits {@code TIMER_HZ} for its scripts. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
  private static final long MAX_POLL_MILLIS = 20;
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final EventLoop loop;
  private final MiscCheck check;
  private final Consumer<CheckResult> done;
  private final Runnable onClose = this::onClose;
  private int pid;
  private boolean reported;
  private boolean terminating;
  private boolean reaped;
  private long pollMillis = 1;
  private CheckScheduler.Timer deadline;

  private ProcessProbe(EventLoop loop, MiscCheck check, Consumer<CheckResult> done) {
    this.loop = loop;
    this.check = check;
    this.done = done;
  }

  static void start(EventLoop loop, MiscCheck check, Optional<ScriptUser> defaultUser, boolean scriptSecurity,
      Duration timeout, Consumer<CheckResult> done) {
    new ProcessProbe(loop, check, done).begin(defaultUser, scriptSecurity, timeout);
  }

  private void begin(Optional<ScriptUser> defaultUser, boolean scriptSecurity, Duration timeout) {
    List<String> argv;
    try {
      Map<String, String> env = new HashMap<>(System.getenv());
      env.putAll(check.environment());
      argv = argv(check.user().or(() -> defaultUser), env, scriptSecurity);
      pid = Spawner.spawn(argv, env, check.workingDirectory());
    } catch (IOException e) {
      report(new CheckResult.Down(DownReason.IO_ERROR, e.getMessage()));
      return;
    }
    loop.addCloseHook(onClose);
    deadline = loop.schedule(timeout, () -> onDeadline(timeout));
    loop.schedule(Duration.ofMillis(pollMillis), this::poll);
  }

  /**
   * The command line, through setpriv when the program must run as another user, after keepalived's script
   * security check: refused with {@code enable_script_security}, else only warned about (once per program).
   */
  private List<String> argv(Optional<ScriptUser> who, Map<String, String> env, boolean scriptSecurity)
      throws IOException {
    Spawner.Ids self = Spawner.self();
    Spawner.Ids runAs = who.isEmpty() ? self : ids(who.get());
    Optional<ScriptSecurity.Finding> finding = ScriptSecurity.problem(check.command().get(0),
        env.getOrDefault("PATH", ""), check.workingDirectory().orElse(Path.of("").toAbsolutePath()), runAs.uid(),
        runAs.gid());
    if (finding.isPresent()) {
      if (scriptSecurity) {
        throw new IOException("script security: refusing to run " + check.command().get(0) + " as uid:gid "
            + runAs.uid() + ":" + runAs.gid() + ": " + finding.get().text());
      }
      if (finding.get().unsafe() && WARNED.add(check.command().get(0))) {
        log.warn("{} is unsafe to run as uid:gid {}:{} ({}); running it anyway, as keepalived does without "
            + "enable_script_security", check.command().get(0), runAs.uid(), runAs.gid(), finding.get().text());
      }
    }
    if (who.isEmpty() || (runAs.uid() == self.uid() && runAs.gid() == self.gid())) {
      return check.command();
    }
    if (self.uid() != 0) {
      throw new IOException("cannot run " + check.command().get(0) + " as " + who.get() + " (uid " + runAs.uid()
          + ", gid " + runAs.gid() + "): the checker runs as uid " + self.uid() + ", and only root may switch users");
    }
    List<String> a = new ArrayList<>(List.of("setpriv", "--regid=" + runAs.gid(), "--groups=" + runAs.gid(),
        "--reuid=" + runAs.uid(), "--"));
    a.addAll(check.command());
    return a;
  }

  private static Spawner.Ids ids(ScriptUser u) throws IOException {
    Spawner.Ids user = Spawner.user(u.user()).orElseThrow(() -> new IOException("script user '" + u.user()
        + "' does not exist"));
    int gid = user.gid();
    if (u.group().isPresent()) {
      String g = u.group().get();
      OptionalInt byName = Spawner.group(g);
      if (byName.isPresent()) {
        gid = byName.getAsInt();
      } else if (g.chars().allMatch(Character::isDigit) && g.length() < 10) {
        gid = Integer.parseInt(g);
      } else {
        throw new IOException("script group '" + g + "' does not exist");
      }
    }
    return new Spawner.Ids(user.uid(), gid);
  }

  private void poll() {
    if (reaped) {
      return;
    }
    OptionalInt status;
    try {
      status = Spawner.reap(pid);
    } catch (IOException e) {
      log.warn("lost track of {} (pid {}); reporting it failed", check.describe(), pid, e);
      reaped = true;
      loop.removeCloseHook(onClose);
      report(new CheckResult.Down(DownReason.IO_ERROR, e.getMessage()));
      return;
    }
    if (status.isEmpty()) {
      pollMillis = Math.min(MAX_POLL_MILLIS, pollMillis * 2);
      loop.schedule(Duration.ofMillis(terminating ? 100 : pollMillis), this::poll);
      return;
    }
    reaped = true;
    loop.removeCloseHook(onClose);
    if (deadline != null) {
      deadline.cancel();
    }
    int w = status.getAsInt();
    int sig = w & 0x7f;
    if (terminating) {
      // our SIGTERM or SIGKILL ended it: make sure the rest of its group goes too (keepalived does the same)
      Spawner.signalGroup(pid, SIGKILL);
      log.debug("{} (pid {}) ended after the deadline with wait status {}", check.describe(), pid, w);
      return;
    }
    if (sig == 0) {
      report(check.judge((w >> 8) & 0xff));
    } else {
      report(check.judgeSignal(sig, (w & 0x80) != 0));
    }
  }

  private void onDeadline(Duration timeout) {
    if (reaped || reported) {
      return;
    }
    terminating = true;
    Spawner.signalGroup(pid, SIGTERM);
    report(new CheckResult.Down(DownReason.TIMEOUT, check.command().get(0) + " timed out: still running after "
        + Durations.format(timeout) + "; sent SIGTERM to its process group (SIGKILL after "
        + Durations.format(TERM_GRACE) + ")"));
    loop.schedule(TERM_GRACE, () -> {
      if (!reaped) {
        Spawner.signalGroup(pid, SIGKILL);
      }
    });
  }

  /** The loop is closing: SIGTERM to the group now, and the loop waits for the program (see the class comment). */
  private void onClose() {
    if (reaped) {
      return;
    }
    Spawner.signalGroup(pid, SIGTERM);
    report(new CheckResult.Down(DownReason.IO_ERROR, "checker closed; sent SIGTERM to the process group of "
        + check.command().get(0) + " (SIGKILL after " + Durations.format(CLOSE_GRACE) + ")"));
    loop.linger(new EventLoop.Lingering() {
      @Override
      public boolean finished() {
        return endedAtClose();
      }

      @Override
      public void force() {
        killAtClose();
      }

      @Override
      public String toString() {
        return check.describe() + " (pid " + pid + ")";
      }
    }, CLOSE_GRACE);
  }

  /** Whether the program has ended since the close's SIGTERM; if so, what it left in its group is killed. */
  private boolean endedAtClose() {
    try {
      if (Spawner.reap(pid).isEmpty()) {
        return false;
      }
      Spawner.signalGroup(pid, SIGKILL);
    } catch (IOException e) {
      log.debug("reaping {} at close", pid, e);
    }
    reaped = true;
    return true;
  }

  /** Still there a second after the close's SIGTERM: SIGKILL to the group, and reap it here, briefly. */
  private void killAtClose() {
    Spawner.signalGroup(pid, SIGKILL);
    log.warn("{} (pid {}) still running {} after SIGTERM at close: killed its process group", check.describe(), pid,
        Durations.format(CLOSE_GRACE));
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (!endedAtClose() && System.nanoTime() < until) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    if (!reaped) {
      log.warn("{} (pid {}) did not die within 500 ms of SIGKILL; it stays a zombie until the JVM exits",
          check.describe(), pid);
    }
  }

  private void report(CheckResult r) {
    if (reported) {
      return;
    }
    reported = true;
    Prober.deliver(check, r, done, log);
  }
}
