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
 * the exit is handed back to the loop's thread. At the deadline, or when the checker closes first, the program and
 * its descendants get SIGKILL. (The JDK waits for each child on a "process reaper" thread of its own: programs,
 * unlike sockets, cost a thread while they run.)
 */
final class ProcessProbe {
  private static final File DEV_NULL = new File("/dev/null");

  private ProcessProbe() {}

  static void start(EventLoop scheduler, MiscCheck check, Duration timeout, Consumer<CheckResult> done) {
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
    Runnable kill = () -> {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    };
    Runnable onClose = () -> { // a closing checker leaves no program behind
      if (reported.compareAndSet(false, true)) {
        kill.run();
        done.accept(new CheckResult.Down(DownReason.IO_ERROR, "checker closed; " + check.command().get(0)
            + " killed"));
      }
    };
    scheduler.addCloseHook(onClose);
    CheckScheduler.Timer deadline = scheduler.schedule(timeout, () -> {
      if (reported.compareAndSet(false, true)) {
        scheduler.removeCloseHook(onClose);
        kill.run();
        done.accept(new CheckResult.Down(DownReason.TIMEOUT, check.command().get(0) + " did not exit within "
            + Durations.format(timeout) + "; killed"));
      }
    });
    process.onExit().thenAccept(p -> scheduler.execute(() -> {
      if (reported.compareAndSet(false, true)) {
        scheduler.removeCloseHook(onClose);
        deadline.cancel();
        done.accept(check.judge(p.exitValue()));
      }
    }));
  }
}
