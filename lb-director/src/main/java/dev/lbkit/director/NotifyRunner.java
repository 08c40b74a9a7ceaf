package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.api.event.VrrpStateListener;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.NotifyScripts;
import dev.lbkit.config.RealServerConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.config.VrrpInstanceConfig;
import dev.lbkit.config.VrrpSyncGroupConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a keepalived.conf's notify hooks: {@code notify_master}, {@code notify_backup}, {@code notify_fault},
 * {@code notify_stop} and {@code notify} of each {@code vrrp_instance} and {@code vrrp_sync_group} on their state
 * changes, {@code notify_up} and {@code notify_down} of real servers, {@code quorum_up} and {@code quorum_down} of
 * virtual servers. As keepalived does (vrrp_notify.c), {@code notify} gets {@code INSTANCE NAME STATE PRIORITY} or
 * {@code GROUP NAME STATE 0} appended. Commands are split on blanks (double quotes group words) and run without a
 * shell, one at a time in order on a thread of their own, so a slow hook never holds up VRRP or the director; a hook
 * that fails is logged.
 *
 * <p>A sync group's state follows its members as keepalived's vrrp_sync.c moves it: FAULT as soon as one member is in
 * Fault, MASTER once all are Master, BACKUP when one falls back (or all start as Backup), STOP when all have stopped.
 * An instance that a reload removes reports FAULT, keepalived's default for a deleted instance (vrrp.c
 * clear_diff_vrrp), unless it was in Fault already.
 */
public final class NotifyRunner implements VrrpStateListener, DirectorListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyRunner.class);

  private volatile KeepalivedConfig config;
  private volatile KeepalivedConfig previous;
  /** Engine thread: the members' last states and each group's, for the group hooks. */
  private final Map<String, VrrpState> instanceStates = new HashMap<>();
  private final Map<String, String> groupStates = new HashMap<>();
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "lbkit-notify");
    t.setDaemon(true);
    return t;
  });

  public NotifyRunner(KeepalivedConfig config) {
    this.config = requireNonNull(config, "config");
  }

  /** Uses the hooks of another configuration from now on (after a reload). */
  public void config(KeepalivedConfig next) {
    requireNonNull(next, "next");
    this.previous = this.config;
    this.config = next;
  }

  @Override
  public synchronized void onStateChange(VrrpStateChanged e) {
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
    VrrpState to = deleted ? VrrpState.FAULT : e.to();
    boolean quiet = e.from() == VrrpState.INITIALIZE && e.to() == VrrpState.INITIALIZE
        || deleted && e.from() == VrrpState.FAULT;
    if (!quiet) {
      hooks(n, to, "INSTANCE", e.instance(), instance.get().priority());
    }
    for (VrrpSyncGroupConfig g : config.syncGroups()) {
      if (g.instances().contains(e.instance())) {
        groupChanged(g);
      }
    }
  }

  /** Recomputes a sync group's state from its members and runs its hooks when it changed. */
  private void groupChanged(VrrpSyncGroupConfig g) {
    List<VrrpState> members = g.instances().stream()
        .map(name -> instanceStates.getOrDefault(name, VrrpState.INITIALIZE)).toList();
    String before = groupStates.get(g.name());
    String now;
    if (members.contains(VrrpState.FAULT)) {
      now = "FAULT";
    } else if (members.stream().allMatch(s -> s == VrrpState.MASTER)) {
      now = "MASTER";
    } else if (members.contains(VrrpState.BACKUP)) {
      now = "BACKUP";
    } else if (members.stream().allMatch(s -> s == VrrpState.INITIALIZE)) {
      now = before == null ? null : "STOP";
    } else {
      now = before;
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
    specific.ifPresent(this::run);
    String state = to == VrrpState.INITIALIZE ? "STOP" : to.name();
    n.any().ifPresent(cmd -> run(cmd + " " + type + " \"" + name + "\" " + state + " " + priority));
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
            (m.alive() ? rs.notifyUp() : rs.notifyDown()).ifPresent(this::run);
          }
        }
      }
    } else if (event instanceof DirectorEvent.QuorumChanged q) {
      for (VirtualServerConfig vs : config.virtualServers()) {
        if (vs.service().key().equals(q.service())) {
          (q.held() ? vs.quorumUp() : vs.quorumDown()).ifPresent(this::run);
        }
      }
    }
  }

  private void run(String commandLine) {
    List<String> argv = new ArrayList<>(HealthTargets.words(commandLine));
    if (argv.isEmpty()) {
      return;
    }
    executor.execute(() -> {
      try {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          log.warn("notify hook {} ran over 60 s; killed", argv);
        } else if (p.exitValue() != 0) {
          log.warn("notify hook {} exited {}", argv, p.exitValue());
        }
      } catch (IOException e) {
        log.warn("notify hook {} could not run: {}", argv, e.getMessage().toLowerCase(Locale.ROOT));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** Waits up to 10 s for hooks already started, then stops. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
