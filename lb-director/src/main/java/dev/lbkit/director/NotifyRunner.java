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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a keepalived.conf's notify hooks: {@code notify_master}, {@code notify_backup}, {@code notify_fault},
 * {@code notify_stop} and {@code notify} of each {@code vrrp_instance} on its state changes, {@code notify_up} and
 * {@code notify_down} of real servers, {@code quorum_up} and {@code quorum_down} of virtual servers. As keepalived
 * does, {@code notify} gets {@code INSTANCE NAME STATE PRIORITY} appended. Commands are split on blanks (double
 * quotes group words) and run without a shell, one at a time in order on a thread of their own, so a slow hook never
 * holds up VRRP or the director; a hook that fails is logged. Sync-group hooks are not run.
 */
public final class NotifyRunner implements VrrpStateListener, DirectorListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyRunner.class);

  private volatile KeepalivedConfig config;
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
    this.config = requireNonNull(next, "next");
  }

  @Override
  public void onStateChange(VrrpStateChanged e) {
    KeepalivedConfig config = this.config;
    Optional<VrrpInstanceConfig> instance = config.vrrpInstance(e.instance());
    if (instance.isEmpty()) {
      return;
    }
    NotifyScripts n = instance.get().notifyScripts();
    String state = e.to() == VrrpState.INITIALIZE ? "STOP" : e.to().name();
    Optional<String> specific = switch (e.to()) {
      case MASTER -> n.master();
      case BACKUP -> n.backup();
      case FAULT -> n.fault();
      case INITIALIZE -> e.from() == VrrpState.INITIALIZE ? Optional.empty() : n.stop();
    };
    specific.ifPresent(this::run);
    if (!(e.to() == VrrpState.INITIALIZE && e.from() == VrrpState.INITIALIZE)) {
      n.any().ifPresent(cmd -> run(cmd + " INSTANCE \"" + e.instance() + "\" " + state + " "
          + instance.get().priority()));
    }
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
