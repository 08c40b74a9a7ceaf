package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.misc.MiscCheck;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One run of a {@link MiscCheck}. The program runs as a child process; the JDK's process reaper waits for it and
 * the exit is handed back to the scheduler's thread. At the deadline the program and its descendants get SIGKILL.
 */
final class ProcessProbe {
  private static final File DEV_NULL = new File("/dev/null");

  private ProcessProbe() {}

  static void start(CheckScheduler scheduler, MiscCheck check, Duration timeout, Consumer<CheckResult> done) {
    ProcessBuilder pb = new ProcessBuilder(check.command())
        .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    check.workingDirectory().ifPresent(d -> pb.directory(d.toFile()));
    pb.environment().putAll(check.environment());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      done.accept(new CheckResult.Down(DownReason.IO_ERROR, "cannot run " + check.command().get(0) + ": "
          + e.getMessage()));
      return;
    }
    AtomicBoolean reported = new AtomicBoolean();
    CheckScheduler.Timer deadline = scheduler.schedule(timeout, () -> {
      if (reported.compareAndSet(false, true)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        done.accept(new CheckResult.Down(DownReason.TIMEOUT, check.command().get(0) + " did not exit within "
            + Durations.format(timeout) + "; killed"));
      }
    });
    process.onExit().thenAccept(p -> scheduler.execute(() -> {
      if (reported.compareAndSet(false, true)) {
        deadline.cancel();
        done.accept(check.judge(p.exitValue()));
      }
    }));
  }
}
