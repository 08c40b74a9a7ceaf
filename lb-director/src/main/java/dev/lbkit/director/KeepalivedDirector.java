package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.event.DestinationListener;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.config.VrrpInstanceConfig;
import dev.lbkit.director.spi.TableWriter;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.CheckResponder;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.IndependentChecks;
import dev.lbkit.healthcheck.ManualClock;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.http.UrlRound;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.vrrp.VrrpRouter;
import dev.lbkit.vrrp.VrrpScript;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.VrrpConfig;
import java.io.IOException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A keepalived.conf brought to life: a {@link Director} with the file's virtual servers, a {@link HealthChecker}
 * running their checkers, the VRRP configuration for a router that makes the director active, and a
 * {@link NotifyRunner} for the file's notify hooks.
 *
 * <pre>{@code
 * KeepalivedConfig config = KeepalivedConfigParser.parse(path).orThrow();
 * try (KeepalivedDirector node = KeepalivedDirector.builder(config, new IpvsTableWriter(ipvs)).build()) {
 *   VrrpRouter router = node.vrrp(UnaryOperator.identity()).apply(LinuxVrrp.routerBuilder()).build();
 *   node.attach(router);   // so that reload(nextConfig) reloads VRRP too
 *   node.start();
 *   router.run();
 * }
 * }</pre>
 *
 * <p>The router runs the file's tracked {@code vrrp_script}s itself (see {@link KeepalivedVrrp}).
 *
 * <p>The director follows every {@code vrrp_instance} of the file: it is active while all are Master (one sync
 * group, typically), or always when there are none. {@link #reload} applies a new file as keepalived does on
 * SIGHUP: virtual servers and checkers change only where they differ (kept checkers keep their state and, as in
 * keepalived, start their schedule afresh: next check after the one-second start delay and a random warmup, with the
 * checker as the new file builds it, the {@code SSL} block's certificate, key and ca files read again even when the
 * block is unchanged), and
 * with a router {@link #attach attached}
 * the VRRP instances and sync groups are reloaded on its engine thread ({@link VrrpRouter#reload}): unchanged
 * instances run on untouched, changed ones keep their state, removed ones resign, new ones start.
 */
public final class KeepalivedDirector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeepalivedDirector.class);

  private final Director director;
  private final HealthChecker checker;
  private final NotifyRunner notify;
  private KeepalivedConfig config;
  private Optional<ScriptUser> scriptUser;
  /** The SSL block's client certificate, which every SSL_GET presents. */
  private Optional<KeyStore> clientCertificate;
  private final Map<Target.Key, Target> targets = new HashMap<>();
  private final Function<String, BooleanSupplier> interfaceCheck;
  private final Duration interfaceCheckInterval;
  private UnaryOperator<String> interfaceMap = UnaryOperator.identity();
  private VrrpRouter router;
  private boolean started;
  private boolean closed;

  private KeepalivedDirector(Builder b) {
    this.config = b.config;
    this.scriptUser = scriptUsers(config).defaultUser();
    this.clientCertificate = HealthTargets.clientCertificate(config);
    this.interfaceCheck = b.interfaceCheck;
    this.interfaceCheckInterval = b.interfaceCheckInterval;
    this.notify = new NotifyRunner(config);
    Director.Builder db = Director.builder(b.table).backupPolicy(b.backupPolicy).clock(b.clock).listener(notify);
    b.listeners.forEach(db::listener);
    for (VirtualServerConfig vs : config.virtualServers()) {
      db.pool(ServicePool.from(vs));
    }
    db.vrrpInstances(config.vrrpInstances().stream().map(VrrpInstanceConfig::name).toArray(String[]::new));
    this.director = db.build();
    HealthChecker.Builder hb = HealthChecker.builder().listener(director)
        .scriptSecurity(config.globalDefs().scriptSecurity());
    if (b.manualClock != null) {
      hb.manualClock(b.manualClock, b.responder).random(b.random);
    }
    b.healthListeners.forEach(hb::listener);
    this.checker = hb.build();
  }

  /** The script users of {@code c} on this host, or an exception naming every one that cannot be used. */
  private static ScriptUsers scriptUsers(KeepalivedConfig c) {
    ScriptUsers users = ScriptUsers.resolve(c);
    if (!users.ok()) {
      throw new IllegalArgumentException("script users cannot be used on this host: " + users.errors().stream()
          .map(Object::toString).collect(Collectors.joining("; ")));
    }
    return users;
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

  /** The runner of the file's notify hooks (tests watch the order it starts them in). */
  NotifyRunner notifyRunner() {
    return notify;
  }

  /**
   * Adds the file's VRRP instances and sync groups to a router builder, with the director as a listener.
   *
   * @param interfaceMap renames interfaces (identity on a real host, everything to {@code eth0} in memory)
   */
  public synchronized UnaryOperator<VrrpRouter.Builder> vrrp(UnaryOperator<String> interfaceMap) {
    this.interfaceMap = requireNonNull(interfaceMap, "interfaceMap");
    UnaryOperator<VrrpRouter.Builder> instances = KeepalivedVrrp.instances(config, interfaceMap);
    Map<String, BooleanSupplier> interfaces = interfaceChecks(config);
    return b -> {
      interfaces.forEach((name, check) -> b.trackedCheck(name, check, interfaceCheckInterval));
      return instances.apply(b).listener(director).listener(notify);
    };
  }

  /**
   * The router built with {@link #vrrp}: {@link #reload} reloads its instances too.
   *
   * @return this
   */
  public synchronized KeepalivedDirector attach(VrrpRouter router) {
    this.router = requireNonNull(router, "router");
    return this;
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
    notify.starting(director.status());
    for (VirtualServerConfig vs : config.virtualServers()) {
      for (Target t : HealthTargets.of(vs, scriptUser, clientCertificate)) {
        targets.put(t.key(), t);
        checker.add(t);
      }
    }
  }

  /**
   * Applies another configuration: only changed pools, members and checkers change, and with a router attached the
   * VRRP instances and sync groups are reloaded on the router's engine thread (see {@link VrrpRouter#reload}); the
   * director then follows the new instances with their states, and notify hooks come from the new file.
   *
   * @return completes with what the VRRP reload did (empty without a router) once the engine thread has run it, or
   *     exceptionally if the router refused it (the old VRRP configuration then keeps running)
   * @throws IllegalArgumentException if lbkit's VRRP refuses an instance of {@code next}, or {@code next} adds VRRP
   *     instances to a director that runs without VRRP or removes all of a router's (both need a restart), or names
   *     script users this host cannot use (see {@link ScriptUsers}); nothing changes then
   */
  public synchronized CompletableFuture<Optional<VrrpRouter.Reload>> reload(KeepalivedConfig next) {
    requireNonNull(next, "next");
    Optional<ScriptUser> nextScriptUser = scriptUsers(next).defaultUser();
    Optional<KeyStore> nextClientCertificate = HealthTargets.clientCertificate(next);
    List<VrrpConfig> vrrpConfigs = KeepalivedVrrp.vrrpConfigs(next, interfaceMap);
    if (router == null && config.vrrpInstances().isEmpty() && !vrrpConfigs.isEmpty()) {
      throw new IllegalArgumentException("the new configuration adds vrrp_instance "
          + next.vrrpInstances().get(0).name() + " to a director that runs without VRRP; restart to start VRRP");
    }
    if (router != null && vrrpConfigs.isEmpty()) {
      throw new IllegalArgumentException("the new configuration has no vrrp_instance; restart to run without VRRP");
    }
    List<ServicePool> pools = new ArrayList<>();
    Map<Target.Key, Target> nextTargets = new HashMap<>();
    for (VirtualServerConfig vs : next.virtualServers()) {
      pools.add(ServicePool.from(vs));
      for (Target t : HealthTargets.of(vs, nextScriptUser, nextClientCertificate)) {
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
          checker.add(t);
        } else {
          // keepalived's reload cancels every checker thread and registers each again: the next check of a kept
          // checker is one second plus a random warmup away, whatever its old schedule said; its state stays. It
          // also frees its SSL context and builds a new one from the SSL block's files, read again even when the
          // block names the same files (check_daemon.c reload_check_thread: free_ssl, then start_check:
          // init_ssl_ctx), and every SSL_GET connects with the new one: so a kept checker goes on with the check
          // built from the new file, whose client certificate was read just now (fast_recovery may differ too)
          checker.restartSchedule(t);
        }
        targets.put(t.key(), t);
      }
    }
    KeepalivedConfig previous = config;
    if (next.globalDefs().scriptSecurity() != previous.globalDefs().scriptSecurity()) {
      log.warn("reload: enable_script_security changed to {}; MISC_CHECK programs keep the setting they started"
          + " with until a restart", next.globalDefs().scriptSecurity());
    }
    config = next;
    scriptUser = nextScriptUser;
    clientCertificate = nextClientCertificate;
    notify.config(next);
    if (router == null) {
      if (!vrrpConfigs.equals(KeepalivedVrrp.vrrpConfigs(previous, interfaceMap))) {
        log.warn("reload: VRRP instances changed but no router is attached; VRRP keeps its configuration");
      }
      return CompletableFuture.completedFuture(Optional.empty());
    }
    VrrpRouter r = router;
    List<List<String>> groups = KeepalivedVrrp.syncGroups(next);
    List<VrrpScript> scripts = KeepalivedVrrp.vrrpScripts(next);
    Map<String, BooleanSupplier> interfaces = interfaceChecks(next);
    CompletableFuture<Optional<VrrpRouter.Reload>> done = new CompletableFuture<>();
    r.execute(() -> {
      director.holdVrrp();
      notify.holdForReload();
      try {
        r.updateScripts(scripts); // unchanged scripts keep their rise/fall counts, as keepalived's clear_diff_script
        if (interfaceCheck != null) {
          r.updateTrackedChecks(interfaces, interfaceCheckInterval); // unchanged ones keep their last state
        }
        done.complete(Optional.of(r.reload(vrrpConfigs, groups)));
      } catch (IOException | RuntimeException e) {
        log.error("VRRP reload failed; the previous VRRP configuration keeps running: {}", e.getMessage(), e);
        done.completeExceptionally(e);
      } finally {
        // one decision on the states after the reload: removed instances resigning are no reason to stand by
        Map<String, VrrpState> states = new LinkedHashMap<>();
        r.instances().forEach(i -> states.put(i.name(), i.state()));
        director.followVrrpInstances(states);
        notify.releaseAfterReload();
      }
    });
    return done;
  }

  /** A check for every tracked interface of {@code c}, or none without {@link Builder#interfaceCheck}. */
  private Map<String, BooleanSupplier> interfaceChecks(KeepalivedConfig c) {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    if (interfaceCheck != null) {
      KeepalivedVrrp.trackedInterfaces(c, interfaceMap).forEach(name -> checks.put(name, interfaceCheck.apply(name)));
    }
    return checks;
  }

  private static boolean sameCheck(Target a, Target b) {
    return a.weight() == b.weight() && a.policy().equals(b.policy())
        && a.check().describe().equals(b.check().describe()) && memberPolicies(a).equals(memberPolicies(b));
  }

  /** The policies of a real server's several checkers (each on its own schedule); empty for one checker. */
  private static List<CheckPolicy> memberPolicies(Target t) {
    return t.check() instanceof IndependentChecks ic
        ? ic.members().stream().map(IndependentChecks.Member::policy).toList() : List.of();
  }

  /**
   * Stops the health checks, starts the shutdown hooks of the virtual servers with {@code omega} all at once (see
   * {@link NotifyRunner#stopping}), closes the director (which removes its services), then waits for the hooks as
   * keepalived does: one second each, then SIGKILL to the hook's process group ({@link NotifyRunner#close}). Returns
   * within about two seconds with no hook left running. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    checker.close();
    notify.stopping(director.status());
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
    private Function<String, BooleanSupplier> interfaceCheck;
    private Duration interfaceCheckInterval = Duration.ofSeconds(1);
    private ManualClock manualClock;
    private CheckResponder responder;
    private RandomGenerator random;

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

    /**
     * Polls every tracked interface ({@code track_interface}, named after the {@link #vrrp} interface map) with
     * {@code check} every {@code interval} on the router's engine thread, such as {@code LinuxVrrp::interfaceUp};
     * a reload polls the interfaces it adds and stops polling those it removes (it replaces all the router's polled
     * checks: {@link VrrpRouter#updateTrackedChecks}). Without it tracked interfaces count as up.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder interfaceCheck(Function<String, BooleanSupplier> check, Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interface check interval must be positive but was " + interval);
      }
      this.interfaceCheck = requireNonNull(check, "check");
      this.interfaceCheckInterval = interval;
      return this;
    }

    /**
     * Runs the health checks on {@code clock}, answered by {@code responder}, with {@code random} for the warmups,
     * instead of on event-loop threads and real probes (see {@link HealthChecker.Builder#manualClock}): for
     * deterministic tests of a configuration's checker schedule.
     */
    public Builder manualClock(ManualClock clock, CheckResponder responder, RandomGenerator random) {
      this.manualClock = requireNonNull(clock, "clock");
      this.responder = requireNonNull(responder, "responder");
      this.random = requireNonNull(random, "random");
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = requireNonNull(value, "clock");
      return this;
    }

    /**
     * Builds the director; MISC_CHECK programs run as keepalived would run them here (see {@link ScriptUsers}).
     *
     * @throws IllegalArgumentException if the configuration names script users this host cannot use
     */
    public KeepalivedDirector build() {
      return new KeepalivedDirector(this);
    }
  }
}
