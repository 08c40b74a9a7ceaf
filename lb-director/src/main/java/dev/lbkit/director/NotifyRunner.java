package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.api.event.VrrpStateListener;
import dev.lbkit.api.internal.quorum.QuorumRule;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.NotifyScripts;
import dev.lbkit.config.RealServerConfig;
import dev.lbkit.config.ScriptUserConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.config.VrrpInstanceConfig;
import dev.lbkit.config.VrrpSyncGroupConfig;
import dev.lbkit.director.internal.HookRun;
import dev.lbkit.healthcheck.misc.ScriptUser;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a keepalived.conf's notify hooks: {@code notify_master}, {@code notify_backup}, {@code notify_fault},
 * {@code notify_stop} and {@code notify} of each {@code vrrp_instance} and {@code vrrp_sync_group} on their state
 * changes, {@code notify_up} and {@code notify_down} of real servers, {@code quorum_up} and {@code quorum_down} of
 * virtual servers. As keepalived does (vrrp_notify.c), {@code notify} gets {@code INSTANCE NAME STATE PRIORITY} or
 * {@code GROUP NAME STATE 0} appended. Commands are split on blanks (double quotes group words) and run without a
 * shell, each in a process group of its own as keepalived runs them. While running, each hook starts as soon as it is
 * triggered, without waiting for the hooks before it, and runs for as long as it takes, beside them: keepalived
 * 2.2.7 forks each notify script at its event and does not wait for it or time it (notify.c {@code notify_exec}, from
 * ipwrapper.c {@code do_rs_notifies} and {@code do_vs_notifies} and vrrp_notify.c). One thread of the runner's own
 * starts the hooks in the order they were triggered (so a hook never holds up VRRP or the director, and two hooks
 * start in keepalived's order) and reaps them; a hook that fails is logged. As with keepalived, hooks that act on
 * shared state (a file, a service) may finish in any order: two hooks triggered back to back overlap. Hooks
 * keepalived's script security disables when it loads the file (not found, not executable, or insecure under
 * {@code enable_script_security}; see {@link ScriptScreen}) never run.
 *
 * <p>On shutdown ({@link #stopping}, then {@link #close}) it does what keepalived 2.2.7's checker does (ipwrapper.c
 * clear_services, check_daemon.c checker_terminate_phase1; watched under strace in the kernel lab): the shutdown hooks
 * all start at once, without waiting for one another; each has one second (keepalived's TIMER_HZ child timer) and is
 * then killed, SIGKILL to its whole process group; all are reaped. Hooks run while running go on for that second;
 * then one still running gets SIGTERM, as keepalived's exit gives the hooks it left running
 * ({@code PR_SET_PDEATHSIG}). Unlike keepalived, which leaves a hook that ignores SIGTERM running after it exits,
 * lbkit kills its group one second later, so {@link #close} leaves no hook running and no zombie, and returns within
 * about two seconds.
 *
 * <p>A sync group's state is the one all its members share, as keepalived's vrrp_sync.c records it only once it has
 * moved every member (vrrp_sync_master, vrrp_sync_backup, vrrp_sync_fault): MASTER, BACKUP or FAULT once all members
 * are in it, STOP once all have stopped; while the members differ it keeps its last state. So the group's hooks run
 * after the hooks of the member that started the change and of the members the group moved, in keepalived's order.
 *
 * <p>As in keepalived 2.2 (vrrp_notify.c send_instance_notifies), a sync group member's own hooks (its
 * {@code notify_*} and {@code notify INSTANCE ...}) do not run when its new state is the one its group already holds,
 * once the member has run its hooks at least once: the group's state covers it. The first change of each member
 * (at startup, or the first after a reload, which in keepalived makes new instances) always runs them.
 *
 * <p>During a {@link KeepalivedDirector#reload} an instance that was there before runs hooks only for its net change,
 * as keepalived restores states across a reload without notifying (one in Fault before and after stays quiet).
 *
 * <p>An instance that a reload removes reports as keepalived 2.2's clear_diff_vrrp does: by default as FAULT
 * ({@code notify_fault}, {@code notify ... FAULT}), and not at all if it was in Fault already; with
 * {@code notify_deleted} it reports DELETED instead, even from Fault: its {@code notify_deleted} command (if it has
 * one; {@code notify_fault} is then not run) and {@code notify INSTANCE NAME DELETED PRIORITY}.
 */
public final class NotifyRunner implements VrrpStateListener, DirectorListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyRunner.class);

  private volatile KeepalivedConfig config;
  private volatile KeepalivedConfig previous;
  /** Engine thread: the members' last states and each group's, for the group hooks. */
  private final Map<String, VrrpState> instanceStates = new HashMap<>();
  private final Map<String, String> groupStates = new HashMap<>();
  /** Engine thread: the changes a running reload made so far, and the states before it; null outside a reload. */
  private List<VrrpStateChanged> held;
  private Map<String, VrrpState> statesBeforeReload;
  /** Engine thread: instances that ran their hooks since the last reload (keepalived's notifies_sent). */
  private final Set<String> notified = new HashSet<>();
  /** keepalived gives each shutdown hook this long (its TIMER_HZ child timer), then kills its process group. */
  static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(1);
  /** How often the worker looks for hooks that ended, while any runs. */
  private static final long REAP_MILLIS = 20;
  /** Starts the hooks run while running, in the order they were triggered, and reaps them; one thread. */
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lbkit-notify");
    t.setDaemon(true);
    return t;
  });
  /** Hooks the worker started and has not reaped; {@link #close} takes them over once the worker has stopped. */
  private final Set<HookRun> inFlight = ConcurrentHashMap.newKeySet();
  /** The worker's periodic look for ended hooks while any runs; worker thread only. */
  private ScheduledFuture<?> reaping;
  /** Told of each hook's command line once it has started, in start order (tests). */
  private volatile Consumer<List<String>> started = argv -> { };
  /** The shutdown hooks {@link #stopping} started; guarded by this. */
  private final List<HookRun> shutdown = new ArrayList<>();
  private boolean closed;

  /** Whom hooks run as: keepalived's default script user for the configuration (see {@link ScriptUsers}). */
  private volatile Optional<ScriptUser> user;
  /** Which hooks keepalived's script security lets run, judged when the configuration is loaded. */
  private volatile ScriptScreen screen;

  public NotifyRunner(KeepalivedConfig config) {
    this.config = requireNonNull(config, "config");
    ScriptUsers users = ScriptUsers.resolve(config);
    this.user = users.defaultUser();
    this.screen = screen(config, users);
  }

  /** Judges the hooks of {@code c} as keepalived does when it loads a file, and logs what it disables or warns of. */
  private static ScriptScreen screen(KeepalivedConfig c, ScriptUsers users) {
    ScriptScreen s = ScriptScreen.of(c, users);
    s.warnings().forEach(w -> log.warn("{}", w));
    return s;
  }

  /** Uses the hooks of another configuration from now on (after a reload). */
  public synchronized void config(KeepalivedConfig next) {
    requireNonNull(next, "next");
    this.previous = this.config;
    this.config = next;
    ScriptUsers users = ScriptUsers.resolve(next);
    this.user = users.defaultUser();
    this.screen = screen(next, users);
    notified.clear(); // keepalived's reload builds new instances, whose first change always notifies
  }

  /**
   * Holds the state changes of a VRRP reload until {@link #releaseAfterReload()}, so that an instance that was there
   * before notifies only its net change, as keepalived's reload restores states without notifying (vrrp.c
   * vrrp_complete_init: an instance in Fault before and after is not notified again). lb-vrrp restarts a changed
   * instance that was in Fault (Initialize, Backup, then Fault again as tracking decides): that is no change.
   */
  synchronized void holdForReload() {
    held = new ArrayList<>();
    statesBeforeReload = new HashMap<>(instanceStates);
  }

  /** Runs the hooks for what the reload held: new and removed instances as they went, others by net change. */
  synchronized void releaseAfterReload() {
    List<VrrpStateChanged> events = held;
    Map<String, VrrpState> before = statesBeforeReload;
    held = null;
    statesBeforeReload = null;
    if (events == null) {
      return;
    }
    Map<String, Integer> last = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      last.put(events.get(i).instance(), i);
    }
    for (int i = 0; i < events.size(); i++) {
      VrrpStateChanged e = events.get(i);
      VrrpState prior = before.get(e.instance());
      if (prior == null) {
        onStateChange(e);
      } else if (last.get(e.instance()) == i && e.to() != prior) {
        onStateChange(new VrrpStateChanged(e.at(), e.instance(), e.vrid(), prior, e.to(), e.reason()));
      }
    }
  }

  @Override
  public synchronized void onStateChange(VrrpStateChanged e) {
    if (held != null) {
      held.add(e);
      return;
    }
    KeepalivedConfig config = this.config;
    Optional<VrrpInstanceConfig> instance = config.vrrpInstance(e.instance());
    boolean deleted = false;
    if (instance.isEmpty() && previous != null) {
      // an instance of the configuration before a reload: removed, or still changing state before the reload ran
      instance = previous.vrrpInstance(e.instance());
      deleted = e.to() == VrrpState.INITIALIZE;
    }
    if (instance.isEmpty()) {
      return;
    }
    instanceStates.put(e.instance(), e.to());
    NotifyScripts n = instance.get().notifyScripts();
    int priority = instance.get().priority();
    if (deleted) {
      if (n.notifyDeleted()) {
        n.deleted().ifPresent(cmd -> run(cmd, "", n.users().get("notify_deleted")));
        n.any().ifPresent(cmd -> run(cmd, " INSTANCE \"" + e.instance() + "\" DELETED " + priority,
            n.users().get("notify")));
      } else if (e.from() != VrrpState.FAULT) {
        hooks(n, VrrpState.FAULT, "INSTANCE", e.instance(), priority);
      }
    } else if (!(e.from() == VrrpState.INITIALIZE && e.to() == VrrpState.INITIALIZE) && !coveredByGroup(e)) {
      notified.add(e.instance());
      hooks(n, e.to(), "INSTANCE", e.instance(), priority);
    }
    for (VrrpSyncGroupConfig g : config.syncGroups()) {
      if (g.instances().contains(e.instance())) {
        groupChanged(g);
      }
    }
  }

  /**
   * keepalived's rule: a member that has notified before and enters the state its sync group already holds runs no
   * hooks of its own. Members the group moves are not covered: the group takes its new state only after them.
   */
  private boolean coveredByGroup(VrrpStateChanged e) {
    if (!notified.contains(e.instance())) {
      return false;
    }
    for (VrrpSyncGroupConfig g : config.syncGroups()) {
      if (g.instances().contains(e.instance())) {
        return stateName(e.to()).equals(groupStates.get(g.name()));
      }
    }
    return false;
  }

  private static String stateName(VrrpState s) {
    return s == VrrpState.INITIALIZE ? "STOP" : s.name();
  }

  /** Recomputes a sync group's state from its members and runs its hooks when it changed. */
  private void groupChanged(VrrpSyncGroupConfig g) {
    List<VrrpState> members = g.instances().stream()
        .map(name -> instanceStates.getOrDefault(name, VrrpState.INITIALIZE)).toList();
    if (members.isEmpty()) {
      return;
    }
    String before = groupStates.get(g.name());
    VrrpState first = members.get(0);
    String now = before;
    if (members.stream().allMatch(s -> s == first)) {
      now = first != VrrpState.INITIALIZE ? first.name() : before == null ? null : "STOP";
    }
    if (now != null && !now.equals(before)) {
      groupStates.put(g.name(), now);
      VrrpState as = switch (now) {
        case "MASTER" -> VrrpState.MASTER;
        case "BACKUP" -> VrrpState.BACKUP;
        case "FAULT" -> VrrpState.FAULT;
        default -> VrrpState.INITIALIZE;
      };
      log.info("vrrp_sync_group {}: {} -> {}", g.name(), before == null ? "INIT" : before, now);
      hooks(g.notifyScripts(), as, "GROUP", g.name(), 0);
    }
  }

  /** The state's own hook, then the generic one with keepalived's arguments; INITIALIZE is keepalived's STOP. */
  private void hooks(NotifyScripts n, VrrpState to, String type, String name, int priority) {
    Optional<String> specific = switch (to) {
      case MASTER -> n.master();
      case BACKUP -> n.backup();
      case FAULT -> n.fault();
      case INITIALIZE -> n.stop();
    };
    String keyword = switch (to) {
      case MASTER -> "notify_master";
      case BACKUP -> "notify_backup";
      case FAULT -> "notify_fault";
      case INITIALIZE -> "notify_stop";
    };
    specific.ifPresent(cmd -> run(cmd, "", n.users().get(keyword)));
    n.any().ifPresent(cmd -> run(cmd, " " + type + " \"" + name + "\" " + stateName(to) + " " + priority,
        n.users().get("notify")));
  }

  @Override
  public void onDirectorEvent(DirectorEvent event) {
    KeepalivedConfig config = this.config;
    if (event instanceof DirectorEvent.MemberChanged m) {
      for (VirtualServerConfig vs : config.virtualServers()) {
        if (!vs.service().key().equals(m.service())) {
          continue;
        }
        for (RealServerConfig rs : vs.realServers()) {
          if (rs.realServer().endpoint().equals(m.member())) {
            (m.alive() ? rs.notifyUp() : rs.notifyDown()).ifPresent(cmd -> run(cmd, "",
                rs.hookUsers().get(m.alive() ? "notify_up" : "notify_down")));
          }
        }
      }
    } else if (event instanceof DirectorEvent.QuorumChanged q) {
      for (VirtualServerConfig vs : config.virtualServers()) {
        if (vs.service().key().equals(q.service())) {
          (q.held() ? vs.quorumUp() : vs.quorumDown()).ifPresent(cmd -> run(cmd, "",
              vs.hookUsers().get(q.held() ? "quorum_up" : "quorum_down")));
        }
      }
    }
  }

  /**
   * The hooks keepalived runs as it starts (ipwrapper.c update_quorum_state at init, seen in keepalived 2.2.7): in the
   * file's order, {@code quorum_up} of each virtual server that starts with its quorum, {@code quorum_down} of each
   * that starts without it and has a sorry server. Not on a reload.
   *
   * @param status the director's state just after it installed its services
   */
  public void starting(DirectorStatus status) {
    requireNonNull(status, "status");
    Map<ServiceKey, DirectorStatus.Pool> pools = poolsByService(status);
    for (VirtualServerConfig vs : config.virtualServers()) {
      DirectorStatus.Pool pool = pools.get(vs.service().key());
      if (pool == null) {
        continue;
      }
      QuorumRule.announcedAtStart(pool.quorumHeld(), vs.sorryServer().isPresent()).ifPresent(up ->
          (up ? vs.quorumUp() : vs.quorumDown()).ifPresent(cmd -> run(cmd, "",
              vs.hookUsers().get(up ? "quorum_up" : "quorum_down"))));
    }
  }

  /**
   * The hooks keepalived runs when it shuts down (ipwrapper.c clear_services), for the virtual servers with
   * {@code omega} only: in the file's order, {@code notify_down} of each real server that is alive and in the table
   * (not one kept at weight 0 by {@code inhibit_on_failure}, a failed one, or one the sorry server stands in for), then
   * the virtual server's {@code quorum_down}, whatever its quorum was. Without {@code omega} nothing runs. Call it
   * before the table is removed: it starts the hooks, all at once, and returns; {@link #close()} waits for them (one
   * second each at most, then SIGKILL to the hook's process group, as keepalived does).
   *
   * @param status the director's state just before it removes its services
   */
  public void stopping(DirectorStatus status) {
    requireNonNull(status, "status");
    Map<ServiceKey, DirectorStatus.Pool> pools = poolsByService(status);
    List<List<String>> hooks = new ArrayList<>();
    Map<ServiceKey, Set<Endpoint>> installed = new HashMap<>();
    for (LoadBalancedService s : status.table()) {
      Set<Endpoint> in = installed.computeIfAbsent(s.service().key(), k -> new HashSet<>());
      s.realServers().forEach(r -> in.add(r.endpoint()));
    }
    for (VirtualServerConfig vs : config.virtualServers()) {
      if (!vs.omega()) {
        continue;
      }
      DirectorStatus.Pool pool = pools.get(vs.service().key());
      Set<Endpoint> in = installed.getOrDefault(vs.service().key(), Set.of());
      for (RealServerConfig rs : vs.realServers()) {
        Endpoint e = rs.realServer().endpoint();
        boolean alive = pool != null && pool.members().stream().anyMatch(m -> m.endpoint().equals(e) && m.alive());
        if (alive && in.contains(e)) {
          rs.notifyDown().ifPresent(cmd -> argv(cmd, "", rs.hookUsers().get("notify_down")).ifPresent(hooks::add));
        }
      }
      vs.quorumDown().ifPresent(cmd -> argv(cmd, "", vs.hookUsers().get("quorum_down")).ifPresent(hooks::add));
    }
    if (!hooks.isEmpty()) {
      log.info("starting {} shutdown hooks at once; each has {} ms before its process group is killed (keepalived)",
          hooks.size(), SHUTDOWN_DEADLINE.toMillis());
    }
    synchronized (this) {
      if (closed) {
        log.warn("not starting shutdown hooks {}: the runner is closed", hooks);
        return;
      }
      hooks.forEach(argv -> startInto(shutdown, argv));
    }
  }

  private static Map<ServiceKey, DirectorStatus.Pool> poolsByService(DirectorStatus status) {
    Map<ServiceKey, DirectorStatus.Pool> pools = new HashMap<>();
    status.pools().forEach(p -> pools.put(p.service(), p));
    return pools;
  }

  /** From now on tells {@code observer} of each hook's command line once the hook has started, in start order. */
  void observeStarts(Consumer<List<String>> observer) {
    this.started = requireNonNull(observer, "observer");
  }

  /**
   * Starts a hook, {@code command} as written with {@code arguments} appended, as {@code own} (the user written after
   * its command; null: none) or the default script user, right after the hooks triggered before it, without waiting
   * for them; not if keepalived's script security disabled it.
   */
  private void run(String command, String arguments, ScriptUserConfig own) {
    argv(command, arguments, own).ifPresent(argv -> {
      try {
        worker.execute(new HookStart(argv));
      } catch (RejectedExecutionException e) {
        log.debug("not running notify hook {}: the runner is closed", argv);
      }
    });
  }

  /**
   * The command line of a hook, {@code command} as written with {@code arguments} appended, as {@code own} or the
   * default script user; empty if keepalived's script security disabled it, it is blank, or its user cannot be used.
   */
  private Optional<List<String>> argv(String command, String arguments, ScriptUserConfig own) {
    if (!screen.hookRuns(command, own)) {
      log.debug("not running {}: disabled by script security when the configuration was loaded", command);
      return Optional.empty();
    }
    List<String> words = HealthTargets.words(command + arguments);
    if (words.isEmpty()) {
      return Optional.empty();
    }
    Optional<ScriptUser> as = own != null ? Optional.of(new ScriptUser(own.user(), own.group())) : user;
    try {
      return Optional.of(ScriptUsers.commandLine(as, words));
    } catch (IllegalArgumentException e) {
      log.warn("notify hook {} could not run: {}", words, e.getMessage().toLowerCase(Locale.ROOT));
      return Optional.empty();
    }
  }

  /** Starts a hook and adds it to {@code runs}; one that cannot start is logged. */
  private void startInto(Collection<HookRun> runs, List<String> argv) {
    try {
      runs.add(HookRun.start(argv));
      started.accept(argv);
    } catch (IOException e) {
      log.warn("notify hook {} could not run: {}", argv, e.getMessage());
    }
  }

  /** A hook run while running: the worker starts it and reaps it later ({@link #reap}). */
  private final class HookStart implements Runnable {
    private final List<String> argv;

    HookStart(List<String> argv) {
      this.argv = argv;
    }

    @Override
    public String toString() {
      return argv.toString();
    }

    @Override
    public void run() {
      startInto(inFlight, argv);
      if (reaping == null && !inFlight.isEmpty()) {
        try {
          reaping = worker.scheduleWithFixedDelay(NotifyRunner.this::reap, REAP_MILLIS, REAP_MILLIS,
              TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          log.debug("closing: the hooks running are reaped by close()");
        }
      }
    }
  }

  /** On the worker: reaps the hooks that ended, logs those that failed, and stops looking once none runs. */
  private void reap() {
    for (HookRun r : inFlight) {
      if (r.ended()) {
        inFlight.remove(r);
        if (!r.succeeded()) {
          log.warn("notify hook {} {}", r.argv(), r.ending());
        }
      }
    }
    if (inFlight.isEmpty() && reaping != null) {
      reaping.cancel(false);
      reaping = null;
    }
  }

  /**
   * Finishes as keepalived's checker does when it stops (see the class comment): each shutdown hook {@link #stopping}
   * started gets one second from its start, then SIGKILL to its process group. Meanwhile hooks run while running go
   * on for that second; then one still running gets SIGTERM and, a second later, SIGKILL to its group. Every hook is
   * reaped before this returns (within about two seconds). Idempotent.
   */
  @Override
  public void close() {
    List<HookRun> batch;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      batch = new ArrayList<>(shutdown);
      shutdown.clear();
    }
    long deadline = System.nanoTime() + SHUTDOWN_DEADLINE.toNanos();
    worker.shutdown(); // hooks already triggered still start; the periodic reaping stops, this method reaps
    boolean interrupted = false;
    for (HookRun r : batch) {
      interrupted |= awaitQuietly(r, r.startNanos() + SHUTDOWN_DEADLINE.toNanos());
      if (!r.ended()) {
        r.kill();
        log.warn("shutdown hook {} still running after {} ms: killed its process group (SIGKILL), as keepalived does",
            r.argv(), SHUTDOWN_DEADLINE.toMillis());
      } else if (!r.succeeded()) {
        log.warn("shutdown hook {} {}", r.argv(), r.ending());
      }
    }
    try {
      if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("the notify hook thread did not stop within 5 s; hooks it has yet to start are not run: {}",
            worker.shutdownNow());
      }
    } catch (InterruptedException e) {
      interrupted = true;
      log.warn("interrupted while the notify hook thread stopped; hooks it has yet to start are not run: {}",
          worker.shutdownNow());
    }
    List<HookRun> running = List.copyOf(inFlight);
    for (HookRun r : running) {
      interrupted |= awaitQuietly(r, deadline);
    }
    running.forEach(r -> r.signal(HookRun.SIGTERM));
    long until = System.nanoTime() + SHUTDOWN_DEADLINE.toNanos();
    for (HookRun r : running) {
      interrupted |= awaitQuietly(r, until);
      if (!r.ended()) {
        r.kill();
        log.warn("notify hook {} still running {} ms after SIGTERM on shutdown: killed its process group", r.argv(),
            SHUTDOWN_DEADLINE.toMillis());
      } else if (!r.succeeded()) {
        log.warn("notify hook {} {}", r.argv(), r.ending());
      }
      inFlight.remove(r);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for {@code r} until {@code deadlineNanos} whatever interrupts come; returns whether one came. */
  private static boolean awaitQuietly(HookRun r, long deadlineNanos) {
    boolean interrupted = false;
    while (true) {
      try {
        r.awaitUntil(deadlineNanos);
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
