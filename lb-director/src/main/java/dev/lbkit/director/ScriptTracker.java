package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.config.VrrpScriptConfig;
import dev.lbkit.vrrp.VrrpRouter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs keepalived {@code vrrp_script}s and reports them to a {@link VrrpRouter} as tracked objects: every
 * {@code interval} the command runs (argv split on blanks, no shell), exit 0 within {@code timeout} is a pass;
 * {@code rise} passes in a row make it up, {@code fall} failures down; changes go to the router's engine thread
 * through {@link VrrpRouter#execute}. The scripts run on one thread of this tracker, never on the VRRP engine.
 */
public final class ScriptTracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScriptTracker.class);

  private final ScheduledExecutorService executor;
  private final List<Runner> runners = new ArrayList<>();

  /** Starts running the scripts for this router. */
  public ScriptTracker(VrrpRouter router, List<VrrpScriptConfig> scripts) {
    requireNonNull(router, "router");
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lbkit-vrrp-script");
      t.setDaemon(true);
      return t;
    });
    for (VrrpScriptConfig s : scripts) {
      Runner runner = new Runner(router, s);
      runners.add(runner);
      executor.scheduleWithFixedDelay(runner::runOnce, 0, s.interval().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private static final class Runner {
    final VrrpRouter router;
    final VrrpScriptConfig script;
    int passes;
    int failures;
    Boolean up;

    Runner(VrrpRouter router, VrrpScriptConfig script) {
      this.router = router;
      this.script = script;
    }

    void runOnce() {
      boolean ok = run();
      if (ok) {
        passes++;
        failures = 0;
      } else {
        failures++;
        passes = 0;
      }
      Boolean next = up;
      if (ok && (up == null || !up) && passes >= script.rise()) {
        next = true;
      } else if (!ok && (up == null || up) && failures >= script.fall()) {
        next = false;
      }
      if (next != null && !next.equals(up)) {
        up = next;
        boolean value = next;
        log.info("vrrp_script {}: {}", script.name(), value ? "up" : "down");
        router.execute(() -> router.setTracked(script.name(), value));
      }
    }

    private boolean run() {
      Process p = null;
      try {
        p = new ProcessBuilder(HealthTargets.words(script.script())).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(script.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
          return false;
        }
        return p.exitValue() == 0;
      } catch (IOException e) {
        log.debug("vrrp_script {} could not run: {}", script.name(), e.getMessage());
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        if (p != null && p.isAlive()) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      }
    }
  }

  /** Stops running the scripts. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
