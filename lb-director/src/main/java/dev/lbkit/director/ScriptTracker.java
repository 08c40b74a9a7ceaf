package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.config.VrrpScriptConfig;
import dev.lbkit.vrrp.VrrpRouter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
  private final VrrpRouter router;
  private final Map<String, Runner> runners = new LinkedHashMap<>();

  /** Starts running the scripts for this router. */
  public ScriptTracker(VrrpRouter router, List<VrrpScriptConfig> scripts) {
    this.router = requireNonNull(router, "router");
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lbkit-vrrp-script");
      t.setDaemon(true);
      return t;
    });
    update(scripts);
  }

  /**
   * Runs these scripts from now on (after a reload): an unchanged script runs on with its rise/fall count, a changed
   * or new one starts afresh, a removed one stops.
   */
  public synchronized void update(List<VrrpScriptConfig> scripts) {
    Map<String, VrrpScriptConfig> next = new LinkedHashMap<>();
    scripts.forEach(s -> next.put(s.name(), s));
    for (Map.Entry<String, Runner> e : Map.copyOf(runners).entrySet()) {
      if (!e.getValue().script.equals(next.get(e.getKey()))) {
        e.getValue().schedule.cancel(false);
        runners.remove(e.getKey());
      }
    }
    for (VrrpScriptConfig s : next.values()) {
      if (!runners.containsKey(s.name())) {
        Runner runner = new Runner(router, s);
        runner.schedule = executor.scheduleWithFixedDelay(runner::runOnce, 0, s.interval().toNanos(),
            TimeUnit.NANOSECONDS);
        runners.put(s.name(), runner);
      }
    }
  }

  private static final class Runner {
    final VrrpRouter router;
    final VrrpScriptConfig script;
    ScheduledFuture<?> schedule;
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
