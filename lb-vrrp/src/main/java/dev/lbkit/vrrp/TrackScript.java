package dev.lbkit.vrrp;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tracked program (keepalived's {@code vrrp_script}): up while it exits 0 within its timeout. The router runs it
 * every interval on a thread of its own, never on the engine thread, and posts the result to the engine.
 */
final class TrackScript {
  private static final Logger log = LoggerFactory.getLogger(TrackScript.class);

  final String name;
  final List<String> command;
  final Duration interval;
  final Duration timeout;
  private Boolean lastLogged;

  TrackScript(String name, List<String> command, Duration interval, Duration timeout) {
    this.name = requireNonNull(name, "name");
    this.command = List.copyOf(command);
    if (this.command.isEmpty()) {
      throw new IllegalArgumentException("tracked script '" + name + "' needs a command");
    }
    if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("tracked script '" + name + "' needs a positive interval and timeout but got "
          + interval + " and " + timeout);
    }
    this.interval = interval;
    this.timeout = timeout;
  }

  /** Runs the program once: true when it exited 0 within the timeout. A program still running is killed. */
  boolean runOnce() throws InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(
              new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      report(false, "cannot start: " + e.getMessage());
      return false;
    }
    if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      p.destroyForcibly();
      report(false, "no exit within " + timeout.toMillis() + " ms; killed");
      return false;
    }
    boolean up = p.exitValue() == 0;
    report(up, "exit status " + p.exitValue());
    return up;
  }

  /** Logs changes only, so a failing script does not flood the log. */
  private void report(boolean up, String detail) {
    if (lastLogged == null || lastLogged != up) {
      lastLogged = up;
      log.info("tracked script {} {}: {}", name, up ? "up" : "down", detail);
    }
  }
}
