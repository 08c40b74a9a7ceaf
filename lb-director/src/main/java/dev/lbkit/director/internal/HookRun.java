package dev.lbkit.director.internal;

import dev.lbkit.healthcheck.internal.jna.Spawner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One started notify hook: a program in a process group of its own, as keepalived starts its scripts (a
 * {@code setpgid(0, 0)} in the child before the exec), stdin, stdout and stderr on /dev/null, reaped here (see
 * lb-healthcheck's {@code Spawner}, which MISC_CHECK programs start through too). Killing it signals the whole group,
 * as keepalived's {@code kill(-pgid, ...)} does, so what the hook started in its group goes with it.
 *
 * <p>Not thread-safe: one thread at a time waits for, signals and reaps a run. Waits poll the exit status a
 * millisecond apart at first, backing off to 20 ms (no thread per hook).
 */
public final class HookRun {
  private static final Logger log = LoggerFactory.getLogger(HookRun.class);
  /** SIGTERM, the signal keepalived's exit gives the hooks still running ({@code PR_SET_PDEATHSIG}). */
  public static final int SIGTERM = 15;
  /** SIGKILL, the signal keepalived sends a shutdown hook's group at its deadline. */
  public static final int SIGKILL = 9;
  private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final Duration REAP_GUARD = Duration.ofSeconds(5);

  private final List<String> argv;
  private final int pid;
  private final long startNanos;
  private OptionalInt status = OptionalInt.empty();
  private boolean killed;

  private HookRun(List<String> argv, int pid, long startNanos) {
    this.argv = argv;
    this.pid = pid;
    this.startNanos = startNanos;
  }

  /**
   * Starts {@code argv} (the program looked up on PATH) with this process's environment.
   *
   * @throws IOException naming the program and the error when it cannot be started
   */
  public static HookRun start(List<String> argv) throws IOException {
    List<String> copy = List.copyOf(argv);
    long now = System.nanoTime();
    int pid = Spawner.spawn(copy, Map.copyOf(System.getenv()), Optional.empty());
    return new HookRun(copy, pid, now);
  }

  public List<String> argv() {
    return argv;
  }

  /** Its pid, which is also the id of its process group. */
  public int pid() {
    return pid;
  }

  /** When it was started, on {@link System#nanoTime()}'s scale. */
  public long startNanos() {
    return startNanos;
  }

  /** Whether it has ended; collects its status (reaps it) if it just did. */
  public boolean ended() {
    if (status.isEmpty()) {
      try {
        status = Spawner.reap(pid);
      } catch (IOException e) {
        // not our child any more: nothing left to reap
        status = OptionalInt.of(-1);
      }
    }
    return status.isPresent();
  }

  /**
   * Waits until it ends or {@code deadlineNanos} ({@link System#nanoTime()}'s scale) passes.
   *
   * @return whether it has ended
   * @throws InterruptedException if interrupted while waiting; it is left running
   */
  public boolean awaitUntil(long deadlineNanos) throws InterruptedException {
    long pause = TimeUnit.MILLISECONDS.toNanos(1);
    while (!ended()) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(Math.min(pause, left));
      if (Thread.interrupted()) {
        throw new InterruptedException("waiting for " + argv.get(0));
      }
      pause = Math.min(pause * 2, MAX_POLL_NANOS);
    }
    return true;
  }

  /** Sends {@code signal} to its process group, unless it has ended. */
  public void signal(int signal) {
    if (!ended()) {
      Spawner.signalGroup(pid, signal);
    }
  }

  /**
   * Kills its process group (SIGKILL) unless it has ended, and reaps it: once this returns it is neither running
   * nor a zombie. The wait for the kernel to end it is bounded (5 s, logged as an error if ever reached) and not
   * interruptible; the interrupt flag is kept.
   */
  public void kill() {
    if (ended()) {
      return;
    }
    killed = true;
    Spawner.signalGroup(pid, SIGKILL);
    long until = System.nanoTime() + REAP_GUARD.toNanos();
    boolean interrupted = false;
    while (true) {
      try {
        if (!awaitUntil(until)) {
          log.error("pid {} ({}) is still there {} after SIGKILL to its process group", pid, argv.get(0),
              REAP_GUARD);
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether {@link #kill()} had to kill it. */
  public boolean killed() {
    return killed;
  }

  /** How it ended, for a log line: "exited 0", "killed by signal 9", or "running". */
  public String ending() {
    if (status.isEmpty()) {
      return "running";
    }
    int s = status.getAsInt();
    if (s == -1) {
      return "reaped elsewhere";
    }
    int signal = s & 0x7f;
    return signal == 0 ? "exited " + ((s >> 8) & 0xff) : "killed by signal " + signal;
  }

  /** Whether it exited with status 0. */
  public boolean succeeded() {
    return status.isPresent() && status.getAsInt() == 0;
  }
}
