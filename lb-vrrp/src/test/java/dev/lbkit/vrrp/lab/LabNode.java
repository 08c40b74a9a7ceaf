package dev.lbkit.vrrp.lab;

import dev.lbkit.vrrp.LinuxVrrp;
import dev.lbkit.vrrp.VrrpConfig;
import dev.lbkit.vrrp.VrrpRouter;
import dev.lbkit.vrrp.VrrpStats;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A VRRP router process for the interop ITs, started by {@link Lab} inside a lab namespace with
 * {@code ip netns exec NS java -cp ... LabNode KEY=VALUE...}. Prints {@code STATE from to nanoTime reason} per
 * transition (System.nanoTime is CLOCK_MONOTONIC, comparable across processes) and {@code STATS ...} when it exits;
 * SIGTERM resigns, removes the VIPs and exits 0. With {@code vrid2=N vip2=A/L} a second instance {@code VI2} (same
 * priority, version, interval, password and preemption, but no tracked objects) joins {@code VI} in a sync group.
 */
public final class LabNode {
  private LabNode() {}

  public static void main(String[] args) throws Exception {
    VrrpConfig.Builder b = VrrpConfig.builder("VI").interfaceName("eth0");
    int instances = 0;
    int priority = 100;
    Duration advert = Duration.ofSeconds(1);
    int version = 2;
    String trackInterface = null;
    String trackAbsent = null;
    java.time.Duration spin = null;
    Integer warmUp = null;
    Long ahCounter = null; // test-only: the AH sequence counter to start from
    Integer vrid2 = null; // a second instance VI2 (untracked) in one sync group with VI
    String vip2 = null;
    String password = null;
    boolean preempt = true;
    for (String a : args) {
      String key = a.substring(0, a.indexOf('='));
      String value = a.substring(a.indexOf('=') + 1);
      switch (key) {
        case "vrid" -> b.vrid(Integer.parseInt(value));
        case "interface" -> b.interfaceName(value);
        case "priority" -> {
          priority = Integer.parseInt(value);
          b.priority(priority);
        }
        case "version" -> {
          version = Integer.parseInt(value);
          b.version(version);
        }
        case "advert" -> {
          advert = Duration.ofMillis(Long.parseLong(value));
          b.advertInterval(advert);
        }
        case "instances" -> instances = Integer.parseInt(value);
        case "track-absent" -> {
          // a tracked script that fails while the file exists
          trackAbsent = value;
          b.track("script", 0);
        }
        case "track-interface" -> {
          trackInterface = value;
          b.track("link:" + value, 0);
        }
        case "vip" -> b.virtualAddress(value);
        case "vrid2" -> vrid2 = Integer.parseInt(value);
        case "vip2" -> vip2 = value;
        case "spin-us" -> spin = Duration.ofNanos(Long.parseLong(value) * 1000);
        case "warmup" -> warmUp = Integer.parseInt(value);
        case "ah-counter" -> ahCounter = Long.parseLong(value);
        case "pass" -> {
          password = value;
          b.authPassword(value);
        }
        case "auth-type" -> b.authType(VrrpConfig.AuthType.valueOf(value));
        case "peer" -> b.unicastPeer(java.net.InetAddress.getByName(value));
        case "preempt" -> {
          preempt = Boolean.parseBoolean(value);
          b.preempt(preempt);
        }
        case "accept" -> b.acceptMode(Boolean.parseBoolean(value));
        // keepalived's gratuitous ARP settings (times in milliseconds)
        case "garp-repeat" -> b.garpRepeat(Integer.parseInt(value));
        case "garp-delay-ms" -> b.garpDelay(Duration.ofMillis(Long.parseLong(value)));
        case "garp-refresh-ms" -> b.garpRefresh(Duration.ofMillis(Long.parseLong(value)));
        case "garp-refresh-repeat" -> b.garpRefreshRepeat(Integer.parseInt(value));
        case "garp-lower-repeat" -> b.garpLowerPrioRepeat(Integer.parseInt(value));
        case "garp-lower-delay-ms" -> b.garpLowerPrioDelay(Duration.ofMillis(Long.parseLong(value)));
        case "garp-interval-ms" -> b.garpInterval(Duration.ofMillis(Long.parseLong(value)));
        case "gna-interval-ms" -> b.gnaInterval(Duration.ofMillis(Long.parseLong(value)));
        case "lower-prio-no-advert" -> b.lowerPrioNoAdvert(Boolean.parseBoolean(value));
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    PrintStream out = System.out;
    VrrpRouter.Builder rb = LinuxVrrp.routerBuilder();
    if (spin != null) {
      rb.takeoverSpin(spin);
    }
    if (warmUp != null) {
      rb.warmUpTakeovers(warmUp);
    }
    if (instances == 0) {
      VrrpConfig first = b.build();
      rb.instance(first);
      if (vrid2 != null) {
        VrrpConfig.Builder b2 = VrrpConfig.builder("VI2").interfaceName(first.interfaceName()).vrid(vrid2)
            .priority(priority).version(version).advertInterval(advert).preempt(preempt).virtualAddress(vip2);
        if (password != null) {
          b2.authPassword(password);
        }
        rb.instance(b2.build());
        rb.syncGroup("VI", "VI2");
      }
    } else {
      // N instances, VRID 1..N, VIP 10.97.0.i/32 each, like the lab's keepalived --instances
      for (int i = 1; i <= instances; i++) {
        rb.instance(VrrpConfig.builder("VI_" + i).interfaceName("eth0").vrid(i).priority(priority).version(version)
            .advertInterval(advert).virtualAddress("10.97.0." + i + "/32").build());
      }
    }
    if (trackAbsent != null) {
      rb.trackedScript("script", java.util.List.of("/bin/sh", "-c", "test ! -e " + trackAbsent),
          Duration.ofMillis(200), Duration.ofSeconds(1));
    }
    if (trackInterface != null) {
      rb.trackedCheck("link:" + trackInterface, LinuxVrrp.interfaceUp(trackInterface), Duration.ofMillis(100));
    }
    VrrpRouter[] self = new VrrpRouter[1];
    VrrpRouter router = rb
        .listener(e -> {
          out.println("STATE " + e.from() + " " + e.to() + " " + System.nanoTime() + " " + e.instance() + " "
              + e.reason());
          if (e.to() == dev.lbkit.api.event.VrrpState.MASTER) {
            // the takeover spin that led here: its length and how late after the deadline it saw it was due
            VrrpRouter.TakeoverSpinStats t = self[0].takeoverSpinStats();
            out.println("SPIN spins=" + t.spins() + " cancelled=" + t.cancelled() + " lastNs=" + t.last().toNanos()
                + " overshootNs=" + t.lastOvershoot().toNanos());
          }
          out.flush();
        }).build();
    self[0] = router;
    if (ahCounter != null) {
      dev.lbkit.vrrp.AhTestHooks.setCounter(router, "VI", ahCounter);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        router.close();
      } catch (IOException e) {
        e.printStackTrace();
      }
      VrrpStats s = router.instances().get(0).stats();
      long addressErrors = router.instances().stream().mapToLong(i -> i.stats().addressErrors()).sum();
      long sendErrors = router.instances().stream().mapToLong(i -> i.stats().sendErrors()).sum();
      long filterErrors = router.instances().stream().mapToLong(i -> i.stats().filterErrors()).sum();
      out.println("STATS sent=" + s.advertisementsSent() + " received=" + s.advertisementsReceived() + " rejected="
          + s.rejected() + " unclaimed=" + router.unclaimedStats().rejected() + " addressErrors=" + addressErrors
          + " sendErrors=" + sendErrors + " filterErrors=" + filterErrors);
      out.flush();
      Runtime.getRuntime().halt(0);
    }));
    // the engine runs on this thread: its kernel thread id lets a scheduler trace (ftrace sched_switch) find it
    out.println("ENGINE " + java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")));
    out.println("READY " + System.nanoTime());
    out.flush();
    try {
      router.run();
    } catch (IOException e) {
      // the operator's view of a failed start: one line, then exit 1 without the hook's exit 0
      out.println("ERROR " + e.getMessage());
      out.flush();
      Runtime.getRuntime().halt(1);
    }
  }
}
