package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * VRRPv2 (1 s adverts) failover between lbkit and real keepalived 2.2.7 in the project's lab, with {@code auth_type}
 * none and with a simple password: the same Master elected, a crash (SIGKILL) of the Master and a graceful stop
 * (priority 0) each way round. KeepalivedInteropIT covers v2 only as lbkit preempting a keepalived with a password and
 * resigning to it; the crashes and keepalived's graceful stop in v2, and v2 without authentication, are here. About 30
 * s per case (v2's Master_Down_Interval is 3.4 to 3.9 s). Needs root and keepalived (.ci/install).
 */
final class KeepalivedV2FailoverIT {
  private static final long SECOND = 1_000_000_000L;
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbv2", 2);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  /** A test that failed half-way leaves no lbkit node advertising into the next one. */
  @AfterEach
  void killLeftNodes() {
    lab.killNodes();
    lab.run(List.of(0, 1), "stop", lab.ns(1));
  }

  @Test
  void noAuthentication_crashAndGracefulStopBothWays() {
    failoverBothWays(41, "10.98.0.110", null);
  }

  @Test
  void simplePassword_crashAndGracefulStopBothWays() {
    failoverBothWays(42, "10.98.0.111", "secret");
  }

  private static void keepalived(int priority, int vrid, String vip, String password) {
    List<String> o = new ArrayList<>(List.of("--priority", Integer.toString(priority), "--vrid",
        Integer.toString(vrid), "--vip", vip + "/24", "--version", "2", "--advert-int", "1"));
    if (password != null) {
      o.addAll(List.of("--auth-pass", password));
    }
    lab.keepalived(1, o.toArray(new String[0]));
  }

  private static Node lbkit(int priority, int vrid, String vip, String password) {
    List<String> a = new ArrayList<>(List.of("vrid=" + vrid, "priority=" + priority, "version=2", "advert=1000",
        "vip=" + vip + "/24"));
    if (password != null) {
      a.add("pass=" + password);
    }
    return lab.node(2, a.toArray(new String[0]));
  }

  /** Master_Down_Interval of VRRPv2 at 1 s adverts: 3 s plus the skew (256 - priority) / 256 s. */
  private static long masterDownNanos(int priority) {
    return 3 * SECOND + (256 - priority) * SECOND / 256;
  }

  private static long skewNanos(int priority) {
    return (256 - priority) * SECOND / 256;
  }

  /** Fails unless {@code took} lies in [low - 0.2 s, high + 1 s]: the RFC's window with a margin for a loaded host. */
  private static void assertWithin(long took, long low, long high, String what) {
    assertTrue(took >= low - SECOND / 5 && took <= high + SECOND,
        what + " took " + took / 1_000_000 + " ms, expected " + low / 1_000_000 + " to " + high / 1_000_000 + " ms");
  }

  private static void failoverBothWays(int vrid, String vip, String password) {
    String k = lab.ns(1);
    String l = lab.ns(2);
    // 1. keepalived (150) and lbkit (100) elect keepalived: lbkit stays Backup well past its own
    //    Master_Down_Interval (3.61 s), so it accepts keepalived's adverts (and keepalived's password)
    keepalived(150, vrid, vip, password);
    lab.awaitOwner(vip, k, 8_000);
    Node node = lbkit(100, vrid, vip, password);
    node.awaitState("BACKUP", 3_000);
    node.assertNoTakeover(() -> { }, masterDownNanos(100) / 1_000_000 + 1_000);
    lab.assertSingleOwner(vip, k);

    // 2. graceful stop of the keepalived Master: priority 0, lbkit takes over after its Skew_Time (0.61 s), not its
    //    Master_Down_Interval
    long stopped = System.nanoTime();
    lab.run("stop", k);
    long master = node.awaitState("MASTER", 5_000);
    lab.awaitOwner(vip, l, 1_000);
    assertWithin(master - stopped, skewNanos(100), skewNanos(100), "keepalived stops, lbkit Master");

    // 3. keepalived (50) restarts beside the lbkit Master and stays Backup; lbkit resigns on SIGTERM (priority 0)
    //    and keepalived takes over after its Skew_Time (0.80 s)
    keepalived(50, vrid, vip, password);
    lab.awaitKeepalivedLog(1, "Entering BACKUP STATE", 3_000);
    long term = System.nanoTime();
    assertEquals(0, node.terminate());
    lab.awaitOwner(vip, k, 3_000);
    long took = System.nanoTime() - term;
    lab.awaitKeepalivedLog(1, "Backup received priority 0 advertisement", 1_000);
    assertWithin(took, skewNanos(50), skewNanos(50), "lbkit resigns, keepalived Master");

    // 4. lbkit (100) preempts keepalived (50): keepalived hears lbkit's adverts; then lbkit crashes (its VIP vanishes
    //    with the host) and keepalived takes over after its Master_Down_Interval (3.80 s)
    Node node2 = lbkit(100, vrid, vip, password);
    node2.awaitState("MASTER", 6_000);
    lab.awaitOwner(vip, l, 1_000);
    lab.awaitKeepalivedLog(1, "higher priority 100", 1_000);
    long killed = System.nanoTime();
    node2.kill();
    lab.deleteAddress(2, vip + "/24");
    lab.awaitOwner(vip, k, 6_000);
    assertWithin(System.nanoTime() - killed, masterDownNanos(50) - SECOND, masterDownNanos(50),
        "lbkit crashes, keepalived Master");

    // 5. lbkit (30) joins as Backup behind keepalived (50) and stays so past its Master_Down_Interval (3.88 s);
    //    keepalived crashes (SIGKILL of its process group, VIP deleted) and lbkit takes over after its own
    Node node3 = lbkit(30, vrid, vip, password);
    node3.awaitState("BACKUP", 3_000);
    node3.assertNoTakeover(() -> { }, masterDownNanos(30) / 1_000_000 + 500);
    lab.assertSingleOwner(vip, k);
    killed = System.nanoTime();
    lab.run("kill", k);
    master = node3.awaitState("MASTER", 6_000);
    lab.awaitOwner(vip, l, 1_000);
    assertWithin(master - killed, masterDownNanos(30) - SECOND, masterDownNanos(30),
        "keepalived crashes, lbkit Master");
    assertTrue(node3.output().stream().anyMatch(s -> s.startsWith("STATE BACKUP MASTER")
        && s.endsWith("master down timer expired")), node3.output().toString());
    assertEquals(0, node3.terminate());
    // lbkit refused none of keepalived's adverts (password, interval) and its VIP changes all went through (node2
    // was killed and printed no statistics)
    for (Node n : List.of(node, node3)) {
      String stats = n.output().stream().filter(s -> s.startsWith("STATS")).findFirst().orElseThrow();
      assertTrue(stats.contains(" rejected={} ") && stats.contains("addressErrors=0 "), stats);
    }
  }
}
