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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a keepalived.conf's notify hooks: {@code notify_master}, {@code notify_backup}, {@code notify_fault},
 * {@code notify_stop} and {@code notify} of each {@code vrrp_instance} and {@code vrrp_sync_group} on their state
 * changes, {@code notify_up} and {@code notify_down} of real servers, {@code quorum_up} and {@code quorum_down} of
 * virtual servers. As keepalived does (vrrp_notify.c), {@code notify} gets {@code INSTANCE NAME STATE PRIORITY} or
 * {@code GROUP NAME STATE 0} appended. Commands are split on blanks (double quotes group words) and run without a
 * shell, each in a process group of its own as keepalived runs them; while running, one at a time in order on a
 * thread of their own, so a slow hook never holds up VRRP or the director (one still running after 60 s is killed);
 * a hook that fails is logged. Hooks keepalived's script security disables when it loads the file (not found, not
 * executable, or insecure under {@code enable_script_security}; see {@link ScriptScreen}) never run.
 *
 * <p>On shutdown ({@link #stopping}, then {@link #close}) it does what keepalived 2.2.7's checker does (ipwrapper.c
 * clear_services, check_daemon.c checker_terminate_phase1; watched under strace in the kernel lab): the shutdown hooks
 * all start at once, without waiting for one another; each has one second (keepalived's TIMER_HZ child timer) and is
 * then killed, SIGKILL to its whole process group; all are reaped. Hooks run while running keep their order: those
 * still queued go on for that second; then one still running gets SIGTERM, as keepalived's exit gives the hooks it
 * left running ({@code PR_SET_PDEATHSIG}), and those not started are dropped (keepalived would have started each at
 * its event). Unlike keepalived, which leaves a hook that ignores SIGTERM running after it exits, lbkit kills its
 * group one second later, so {@link #close} leaves no hook running and no zombie, and returns within about two
 * seconds.
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
  /** A hook run while running that takes longer is killed. */
  private static final Duration HOOK_TIMEOUT = Duration.ofSeconds(60);
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "lbkit-notify");
    t.setDaemon(true);
    return t;
  });
  /** Hooks the worker started and has not reaped; {@link #close} takes them over once the worker has stopped. */
  private final Set<HookRun> inFlight = ConcurrentHashMap.newKeySet();
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

  /**
   * Runs a hook, {@code command} as written with {@code arguments} appended, as {@code own} (the user written after
   * its command; null: none) or the default script user, after the hooks queued before it; not if keepalived's script
   * security disabled it.
   */
  private void run(String command, String arguments, ScriptUserConfig own) {
    argv(command, arguments, own).ifPresent(argv -> {
      try {
        executor.execute(new HookTask(argv));
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
  private static void startInto(List<HookRun> runs, List<String> argv) {
    try {
      runs.add(HookRun.start(argv));
    } catch (IOException e) {
      log.warn("notify hook {} could not run: {}", argv, e.getMessage());
    }
  }

  /** A hook run while running, on the worker thread, which waits for it up to {@link #HOOK_TIMEOUT}. */
  private final class HookTask implements Runnable {
    private final List<String> argv;

    HookTask(List<String> argv) {
      this.argv = argv;
    }

    @Override
    public String toString() {
      return argv.toString();
    }

    @Override
    public void run() {
      HookRun r;
      try {
        r = HookRun.start(argv);
      } catch (IOException e) {
        log.warn("notify hook {} could not run: {}", argv, e.getMessage());
        return;
      }
      inFlight.add(r);
      try {
        if (!r.awaitUntil(r.startNanos() + HOOK_TIMEOUT.toNanos())) {
          r.kill();
          log.warn("notify hook {} ran over {}; killed its process group", argv, HOOK_TIMEOUT);
        } else if (!r.succeeded()) {
          log.warn("notify hook {} {}", argv, r.ending());
        }
        inFlight.remove(r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closing: close() takes the hook over
      }
    }
  }

  /**
   * Finishes as keepalived's checker does when it stops (see the class comment): each shutdown hook {@link #stopping}
   * started gets one second from its start, then SIGKILL to its process group. Meanwhile hooks queued while running
   * go on in order for that second; then one still running gets SIGTERM and, a second later, SIGKILL to its group, and
   * those not started are dropped (logged). Every hook is reaped before this returns (within about two seconds).
   * Idempotent.
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
    executor.shutdown();
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
      executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    List<Runnable> dropped = executor.shutdownNow();
    if (!dropped.isEmpty()) {
      log.warn("stopping: {} queued notify hooks not run: {}", dropped.size(), dropped);
    }
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("the notify hook thread did not stop within 5 s of an interrupt");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    List<HookRun> running = List.copyOf(inFlight);
    running.forEach(r -> r.signal(HookRun.SIGTERM));
    long until = System.nanoTime() + SHUTDOWN_DEADLINE.toNanos();
    for (HookRun r : running) {
      interrupted |= awaitQuietly(r, until);
      if (!r.ended()) {
        r.kill();
        log.warn("notify hook {} still running {} ms after SIGTERM on shutdown: killed its process group", r.argv(),
            SHUTDOWN_DEADLINE.toMillis());
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
