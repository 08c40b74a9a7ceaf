package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.event.DestinationListener;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.config.VrrpInstanceConfig;
import dev.lbkit.director.spi.TableWriter;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.vrrp.VrrpRouter;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A keepalived.conf brought to life: a {@link Director} with the file's virtual servers, a {@link HealthChecker}
 * running their checkers, the VRRP configuration for a router that makes the director active, and a
 * {@link NotifyRunner} for the file's notify hooks.
 *
 * <pre>{@code
 * KeepalivedConfig config = KeepalivedConfigParser.parse(path).orThrow();
 * try (KeepalivedDirector node = KeepalivedDirector.builder(config, new IpvsTableWriter(ipvs)).build()) {
 *   VrrpRouter router = node.vrrp(UnaryOperator.identity()).apply(LinuxVrrp.routerBuilder()).build();
 *   node.start();
 *   router.run();
 * }
 * }</pre>
 *
 * <p>The director follows every {@code vrrp_instance} of the file: it is active while all are Master (one sync
 * group, typically), or always when there are none. {@link #reload} applies a new file's virtual servers and
 * checkers, changing only what differs; VRRP instances are not reloaded (build a new router for that).
 */
public final class KeepalivedDirector implements AutoCloseable {
  private final Director director;
  private final HealthChecker checker;
  private final NotifyRunner notify;
  private KeepalivedConfig config;
  private final Map<Target.Key, Target> targets = new HashMap<>();
  private boolean started;

  private KeepalivedDirector(Builder b) {
    this.config = b.config;
    this.notify = new NotifyRunner(config);
    Director.Builder db = Director.builder(b.table).backupPolicy(b.backupPolicy).clock(b.clock).listener(notify);
    b.listeners.forEach(db::listener);
    for (VirtualServerConfig vs : config.virtualServers()) {
      db.pool(ServicePool.from(vs));
    }
    db.vrrpInstances(config.vrrpInstances().stream().map(VrrpInstanceConfig::name).toArray(String[]::new));
    this.director = db.build();
    HealthChecker.Builder hb = HealthChecker.builder().listener(director);
    b.healthListeners.forEach(hb::listener);
    this.checker = hb.build();
  }

  /** A builder for this configuration, writing its table to {@code table}. */
  public static Builder builder(KeepalivedConfig config, TableWriter table) {
    return new Builder(config, table);
  }

  public Director director() {
    return director;
  }

  public KeepalivedConfig config() {
    return config;
  }

  /**
   * Adds the file's VRRP instances and sync groups to a router builder, with the director as a listener.
   *
   * @param interfaceMap renames interfaces (identity on a real host, everything to {@code eth0} in memory)
   */
  public UnaryOperator<VrrpRouter.Builder> vrrp(UnaryOperator<String> interfaceMap) {
    UnaryOperator<VrrpRouter.Builder> instances = KeepalivedVrrp.instances(config, interfaceMap);
    return b -> instances.apply(b).listener(director).listener(notify);
  }

  /**
   * Installs the table (if it is to be installed now) and starts the health checks.
   *
   * @throws IOException if the table cannot be read
   */
  public synchronized void start() throws IOException {
    if (started) {
      return;
    }
    started = true;
    director.start();
    for (VirtualServerConfig vs : config.virtualServers()) {
      for (Target t : HealthTargets.of(vs)) {
        targets.put(t.key(), t);
        checker.add(t);
      }
    }
  }

  /**
   * Applies another configuration's virtual servers: only changed pools, members and checkers change.
   */
  public synchronized void reload(KeepalivedConfig next) {
    requireNonNull(next, "next");
    List<ServicePool> pools = new ArrayList<>();
    Map<Target.Key, Target> nextTargets = new HashMap<>();
    for (VirtualServerConfig vs : next.virtualServers()) {
      pools.add(ServicePool.from(vs));
      for (Target t : HealthTargets.of(vs)) {
        nextTargets.put(t.key(), t);
      }
    }
    director.reconfigure(pools);
    if (started) {
      for (Map.Entry<Target.Key, Target> e : Map.copyOf(targets).entrySet()) {
        Target t = nextTargets.get(e.getKey());
        if (t == null || !sameCheck(t, e.getValue())) {
          checker.remove(e.getKey());
          targets.remove(e.getKey());
        }
      }
      for (Target t : nextTargets.values()) {
        if (!targets.containsKey(t.key())) {
          targets.put(t.key(), t);
          checker.add(t);
        }
      }
    }
    config = next;
    notify.config(next);
  }

  private static boolean sameCheck(Target a, Target b) {
    return a.weight() == b.weight() && a.policy().equals(b.policy())
        && a.check().describe().equals(b.check().describe());
  }

  /** Stops the health checks and closes the director (which removes its services). */
  @Override
  public synchronized void close() {
    checker.close();
    director.close();
    notify.close();
  }

  /** Builds a {@link KeepalivedDirector}. */
  public static final class Builder {
    private final KeepalivedConfig config;
    private final TableWriter table;
    private final List<DirectorListener> listeners = new ArrayList<>();
    private final List<DestinationListener> healthListeners = new ArrayList<>();
    private BackupPolicy backupPolicy = BackupPolicy.KEEP_TABLE;
    private Clock clock = Clock.systemUTC();

    private Builder(KeepalivedConfig config, TableWriter table) {
      this.config = requireNonNull(config, "config");
      this.table = requireNonNull(table, "table");
    }

    public Builder listener(DirectorListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** Also receives the raw health-check events. */
    public Builder healthListener(DestinationListener listener) {
      healthListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    public Builder backupPolicy(BackupPolicy value) {
      this.backupPolicy = requireNonNull(value, "backupPolicy");
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = requireNonNull(value, "clock");
      return this;
    }

    public KeepalivedDirector build() {
      return new KeepalivedDirector(this);
    }
  }
}
