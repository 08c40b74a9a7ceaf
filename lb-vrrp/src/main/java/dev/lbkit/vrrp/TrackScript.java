package dev.lbkit.vrrp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.vrrp.spi.ScriptRunner;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ScriptRunner}: runs each script as a process (no shell, output discarded) on a small pool of
 * daemon threads created at the first run, kills it after its timeout. Closed with the router.
 */
final class TrackScript implements ScriptRunner, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrackScript.class);

  private final Map<String, Boolean> lastLogged = new ConcurrentHashMap<>();
  private ExecutorService pool;
  private boolean closed;

  @Override
  public void run(VrrpScript script, Done done) {
    ExecutorService p;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (pool == null) {
        pool = Executors.newFixedThreadPool(4, r -> {
          Thread t = new Thread(r, "vrrp-track-script");
          t.setDaemon(true);
          return t;
        });
      }
      p = pool;
    }
    p.execute(() -> {
      try {
        done.finished(runOnce(script));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closing: no result
      }
    });
  }

  /** Runs the program once: true when it exited 0 within the timeout. A program still running is killed. */
  boolean runOnce(VrrpScript script) throws InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(script.command()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(
              new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      report(script, false, "cannot start: " + e.getMessage());
      return false;
    }
    try {
      if (!p.waitFor(script.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
        report(script, false, "no exit within " + script.timeout().toMillis() + " ms; killed");
        return false;
      }
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    boolean up = p.exitValue() == 0;
    report(script, up, "exit status " + p.exitValue());
    return up;
  }

  /** Logs changes of a script's raw result only, so a failing script does not flood the log. */
  private void report(VrrpScript script, boolean passed, String detail) {
    Boolean before = lastLogged.put(requireNonNull(script.name()), passed);
    if (before == null || before != passed) {
      log.info("tracked script {} {}: {}", script.name(), passed ? "passes" : "fails", detail);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
