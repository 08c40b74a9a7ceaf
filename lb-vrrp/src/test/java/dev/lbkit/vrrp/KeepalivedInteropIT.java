package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * lbkit's VRRP engine against real keepalived 2.2.7 peers in network namespaces made by the project's lab script
 * ({@code lab/vrrp/vrrp-lab}): same Master elected, failover both ways on crash and graceful stop, preemption both
 * ways, wrong password and wrong VRID rejected on both sides, v2 and v3. Needs root and keepalived (.ci/install).
 */
final class KeepalivedInteropIT {
  private static final String VIP = "10.98.0.100";
  private static final String VIP_CIDR = VIP + "/24";
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbvi", 3);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  private static String[] v3(int priority) {
    return new String[] {"vrid=51", "priority=" + priority, "version=3", "advert=100", "vip=" + VIP_CIDR};
  }

  private static void keepalivedV3(int router, int priority) {
    lab.keepalived(router, "--priority", Integer.toString(priority), "--vrid", "51", "--vip", VIP_CIDR,
        "--version", "3", "--advert-int", "0.1");
  }

  @Test
  void v3_electionFailoverAndPreemptionBothWays() {
    keepalivedV3(1, 150);
    lab.awaitOwner(VIP, lab.ns(1), 3_000);
    Node node = lab.node(2, v3(100));
    node.awaitState("BACKUP", 2_000);
    // both agree: keepalived (150) stays Master, lbkit (100) is Backup
    Lab.sleepMs(1_000);
    lab.assertSingleOwner(VIP, lab.ns(1));
    assertTrue(node.output().stream().noneMatch(l -> l.startsWith("STATE BACKUP MASTER")), node.output().toString());

    // keepalived crashes: lbkit takes over after its Master_Down_Interval (360.9 ms at 100 ms adverts)
    long killed = System.nanoTime();
    lab.run("kill", lab.ns(1));
    long master = node.awaitState("MASTER", 2_000);
    lab.awaitOwner(VIP, lab.ns(2), 1_000);
    assertTrue((master - killed) / 1_000_000 < 500, "crash failover took " + (master - killed) / 1_000_000 + " ms");

    // keepalived comes back with the higher priority and preempts lbkit
    keepalivedV3(1, 150);
    node.awaitState("BACKUP", 3_000);
    lab.awaitOwner(VIP, lab.ns(1), 1_000);

    // graceful stop of keepalived: priority 0, lbkit takes over after Skew_Time (60.9 ms)
    long stopped = System.nanoTime();
    lab.run("stop", lab.ns(1));
    long master2 = node.awaitState("MASTER", 2_000);
    lab.awaitOwner(VIP, lab.ns(2), 1_000);
    assertTrue(master2 - stopped < 1_500_000_000L, "graceful failover");

    // keepalived restarts with a lower priority now: lbkit stays Master, no flapping, for 1 s after keepalived
    // started (its Master_Down_Interval at priority 50 is 380.5 ms)
    keepalivedV3(1, 50);
    lab.awaitKeepalivedLog(1, "Entering BACKUP STATE", 3_000);
    Lab.sleepMs(1_000);
    lab.assertSingleOwner(VIP, lab.ns(2));
    assertFalse(lab.keepalivedLog(1).contains("Entering MASTER STATE"), lab.keepalivedLog(1));

    // lbkit crashes (its VIP vanishes with the host): keepalived takes over
    node.kill();
    lab.deleteAddress(2, VIP_CIDR);
    lab.awaitOwner(VIP, lab.ns(1), 2_000);

    // lbkit with the higher priority preempts keepalived, then SIGTERM: resign, VIP removed, exit 0
    Node node2 = lab.node(2, v3(200));
    node2.awaitState("MASTER", 3_000);
    lab.awaitOwner(VIP, lab.ns(2), 1_000);
    assertTrue(lab.keepalivedLog(1).contains("higher priority 200"), lab.keepalivedLog(1));
    long term = System.nanoTime();
    assertEquals(0, node2.terminate());
    lab.awaitOwner(VIP, lab.ns(1), 1_000);
    assertTrue((System.nanoTime() - term) / 1_000_000 < 2_000);
    assertTrue(node2.output().stream().anyMatch(l -> l.startsWith("STATE MASTER INITIALIZE")),
        node2.output().toString());
    String stats = node2.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
    assertTrue(stats.contains("addressErrors=0 sendErrors=0"), "VIPs and gratuitous ARPs went through: " + stats);
    lab.run("stop", lab.ns(1));
  }

  @Test
  void v2_withPasswordInteroperates_wrongPasswordIsRejectedOnBothSides() {
    lab.keepalived(1, "--priority", "100", "--vrid", "61", "--vip", "10.98.0.101/24", "--auth-pass", "secret");
    lab.awaitOwner("10.98.0.101", lab.ns(1), 6_000);
    Node node = lab.node(2, "vrid=61", "priority=150", "version=2", "advert=1000", "vip=10.98.0.101/24",
        "pass=secret");
    // lbkit (150) preempts keepalived (100) after its v2 Master_Down_Interval (3.41 s)
    node.awaitState("MASTER", 6_000);
    lab.awaitOwner("10.98.0.101", lab.ns(2), 1_000);
    assertTrue(lab.keepalivedLog(1).contains("higher priority 150"), lab.keepalivedLog(1));
    assertEquals(0, node.terminate());
    lab.awaitOwner("10.98.0.101", lab.ns(1), 3_000);

    // wrong password: neither accepts the other (keepalived does the same: both Master)
    Node wrong = lab.node(2, "vrid=61", "priority=150", "version=2", "advert=1000", "vip=10.98.0.101/24",
        "pass=other");
    wrong.awaitState("MASTER", 6_000);
    lab.awaitKeepalivedLog(1, "invalid passwd", 3_000);
    Lab.sleepMs(1_500);
    assertEquals(lab.ns(1) + " " + lab.ns(2), lab.owners("10.98.0.101"), "split brain, as keepalived has it");
    assertEquals(0, wrong.terminate());
    String stats = wrong.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
    assertTrue(stats.matches(".*auth_password=[1-9].*"), stats);
    lab.run("stop", lab.ns(1));
  }

  @Test
  void v3_otherVridIsIgnoredOnBothSides() {
    lab.keepalived(1, "--priority", "100", "--vrid", "71", "--vip", "10.98.0.102/24", "--version", "3",
        "--advert-int", "0.1");
    lab.awaitOwner("10.98.0.102", lab.ns(1), 3_000);
    Node node = lab.node(2, "vrid=72", "priority=150", "version=3", "advert=100", "vip=10.98.0.102/24");
    node.awaitState("MASTER", 3_000);
    Lab.sleepMs(500);
    assertEquals(lab.ns(1) + " " + lab.ns(2), lab.owners("10.98.0.102"), "different VRIDs do not interact");
    assertEquals(0, node.terminate());
    String stats = node.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
    assertTrue(stats.matches(".*unclaimed=\\{.*vrid=[1-9].*"), stats);
    lab.run("stop", lab.ns(1));
  }

  @Test
  void v3_noSplitBrainAfterLossAndPartition() {
    keepalivedV3(1, 150);
    lab.keepalived(3, "--priority", "50", "--vrid", "51", "--vip", VIP_CIDR, "--version", "3", "--advert-int",
        "0.1");
    Node node = lab.node(2, v3(100));
    lab.awaitOwner(VIP, lab.ns(1), 3_000);
    // 40 % loss of VRRP in and out of the Master for 3 s
    lab.run("loss", lab.ns(1), "40");
    Lab.sleepMs(3_000);
    lab.run("loss", lab.ns(1), "0");
    // the Master's adverts delayed 150 ms: gaps stay below Master_Down_Interval (361 ms), nobody takes over
    Lab.sleepMs(500);
    node.assertNoTakeover(() -> lab.run("delay", lab.ns(1), "150"), 2_000);
    lab.assertSingleOwner(VIP, lab.ns(1));
    // delayed 600 ms: longer than Master_Down_Interval, so the Backups take over until the late adverts arrive
    lab.run("delay", lab.ns(1), "600");
    node.awaitState("MASTER", 2_000);
    Lab.sleepMs(1_000);
    lab.run("delay", lab.ns(1), "0");
    lab.awaitOwner(VIP, lab.ns(1), 2_000);
    // then the lbkit router is cut off for a while
    lab.run("partition", lab.ns(2));
    node.awaitState("MASTER", 2_000);
    Lab.sleepMs(1_000);
    assertTrue(lab.owners(VIP).contains(lab.ns(2)), "the cut-off lbkit router elects itself");
    lab.run("heal", lab.ns(2));
    // after the faults: one holder again, the highest priority, within a few advert intervals
    node.awaitState("BACKUP", 2_000);
    lab.awaitOwner(VIP, lab.ns(1), 2_000);
    Lab.sleepMs(1_000);
    lab.assertSingleOwner(VIP, lab.ns(1));
    assertEquals(0, node.terminate());
    lab.run("stop", lab.ns(1));
    lab.run("stop", lab.ns(3));
    List<String> states = node.output().stream().filter(l -> l.startsWith("STATE")).toList();
    assertTrue(states.size() >= 4, states.toString());
  }

  @Test
  void v3_ipv6_noSplitBrainAfterLossAndDelay() {
    String vip6 = "2001:db8:98::101";
    lab.keepalived(1, "--priority", "150", "--vrid", "82", "--vip", vip6 + "/64", "--version", "3", "--advert-int",
        "0.1");
    lab.awaitOwner(vip6, lab.ns(1), 3_000);
    Node node = lab.node(2, "vrid=82", "priority=100", "version=3", "advert=100", "vip=" + vip6 + "/64");
    node.awaitState("BACKUP", 2_000);
    // 40 % loss of VRRP in and out of the Master for 3 s (ip6tables)
    lab.run("loss", lab.ns(1), "40");
    Lab.sleepMs(3_000);
    lab.run("loss", lab.ns(1), "0");
    Lab.sleepMs(500);
    // adverts delayed 150 ms (ip6tables NFQUEUE): gaps stay below Master_Down_Interval, nobody takes over
    node.assertNoTakeover(() -> lab.run("delay", lab.ns(1), "150"), 2_000);
    lab.assertSingleOwner(vip6, lab.ns(1));
    // delayed 600 ms: longer than Master_Down_Interval, so lbkit takes over until the late adverts arrive
    lab.run("delay", lab.ns(1), "600");
    node.awaitState("MASTER", 2_000);
    Lab.sleepMs(1_000);
    lab.run("delay", lab.ns(1), "0");
    // after the fault: one holder again, the highest priority
    node.awaitState("BACKUP", 2_000);
    lab.awaitOwner(vip6, lab.ns(1), 2_000);
    Lab.sleepMs(1_000);
    lab.assertSingleOwner(vip6, lab.ns(1));
    assertEquals(0, node.terminate());
    lab.run("stop", lab.ns(1));
  }

  @Test
  void v3_ipv6_keepalivedAndLbkitAcceptEachOther() {
    String vip6 = "2001:db8:98::100";
    lab.keepalived(1, "--priority", "150", "--vrid", "81", "--vip", vip6 + "/64", "--version", "3", "--advert-int",
        "0.1");
    lab.awaitOwner(vip6, lab.ns(1), 3_000);
    // lbkit (100) accepts keepalived's IPv6 adverts (link-local source, pseudo-header checksum): stays Backup
    Node node = lab.node(2, "vrid=81", "priority=100", "version=3", "advert=100", "vip=" + vip6 + "/64");
    node.awaitState("BACKUP", 2_000);
    Lab.sleepMs(1_000);
    lab.assertSingleOwner(vip6, lab.ns(1));
    long killed = System.nanoTime();
    lab.run("kill", lab.ns(1));
    long master = node.awaitState("MASTER", 2_000);
    lab.awaitOwner(vip6, lab.ns(2), 1_000);
    assertTrue((master - killed) / 1_000_000 < 500, "IPv6 crash failover took " + (master - killed) / 1_000_000);
    // keepalived (50) accepts lbkit's IPv6 adverts: it stays Backup behind lbkit (100)
    lab.keepalived(1, "--priority", "50", "--vrid", "81", "--vip", vip6 + "/64", "--version", "3", "--advert-int",
        "0.1");
    lab.awaitKeepalivedLog(1, "Entering BACKUP STATE", 3_000);
    Lab.sleepMs(1_000);
    lab.assertSingleOwner(vip6, lab.ns(2));
    assertTrue(!lab.keepalivedLog(1).contains("Entering MASTER STATE"), lab.keepalivedLog(1));
    assertEquals(0, node.terminate());
    lab.awaitOwner(vip6, lab.ns(1), 1_000);
    // the address add/remove and the unsolicited neighbour advertisements all went through
    String stats = node.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
    assertTrue(stats.contains("addressErrors=0 sendErrors=0"), stats);
    lab.run("stop", lab.ns(1));
  }

  @Test
  void trackedInterface_linkDownForcesFaultAndKeepalivedTakesOver() {
    String vip = "10.98.0.103";
    lab.keepalived(1, "--priority", "100", "--vrid", "91", "--vip", vip + "/24", "--version", "3", "--advert-int",
        "0.1");
    Node node = lab.node(2, "vrid=91", "priority=150", "version=3", "advert=100", "vip=" + vip + "/24",
        "track-interface=eth0");
    node.awaitState("MASTER", 3_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);
    // carrier lost on lbkit's interface: Fault, VIP removed; keepalived no longer hears it and takes over
    lab.run("link", lab.ns(2), "down");
    node.awaitState("FAULT", 2_000);
    lab.awaitOwner(vip, lab.ns(1), 2_000);
    // carrier back: Backup, then it preempts keepalived again
    lab.run("link", lab.ns(2), "up");
    node.awaitState("BACKUP", 2_000);
    node.awaitState("MASTER", 3_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);
    assertEquals(0, node.terminate());
    lab.run("stop", lab.ns(1));
  }

  @Test
  void unicastPeers_electAndFailOverWithKeepalived() {
    String vip = "10.98.0.104";
    lab.keepalived(1, "--priority", "150", "--vrid", "95", "--vip", vip + "/24", "--version", "3", "--advert-int",
        "0.1", "--unicast-peer", Lab.ip(2));
    lab.awaitOwner(vip, lab.ns(1), 3_000);
    Node node = lab.node(2, "vrid=95", "priority=100", "version=3", "advert=100", "vip=" + vip + "/24",
        "peer=" + Lab.ip(1));
    node.awaitState("BACKUP", 2_000);
    Lab.sleepMs(1_000);
    lab.assertSingleOwner(vip, lab.ns(1));
    lab.run("kill", lab.ns(1));
    node.awaitState("MASTER", 2_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);
    // keepalived (50) hears lbkit's unicast adverts and stays Backup
    lab.keepalived(1, "--priority", "50", "--vrid", "95", "--vip", vip + "/24", "--version", "3", "--advert-int",
        "0.1", "--unicast-peer", Lab.ip(2));
    lab.awaitKeepalivedLog(1, "Entering BACKUP STATE", 3_000);
    Lab.sleepMs(1_000);
    lab.assertSingleOwner(vip, lab.ns(2));
    assertTrue(!lab.keepalivedLog(1).contains("Entering MASTER STATE"), lab.keepalivedLog(1));
    assertEquals(0, node.terminate());
    lab.awaitOwner(vip, lab.ns(1), 1_000);
    lab.run("stop", lab.ns(1));
  }

  @Test
  void trackedScript_failingScriptHandsOverToKeepalived() throws Exception {
    String vip = "10.98.0.105";
    java.nio.file.Path flag = java.nio.file.Files.createTempFile("vrrp-track", ".flag");
    java.nio.file.Files.delete(flag);
    lab.keepalived(1, "--priority", "100", "--vrid", "96", "--vip", vip + "/24", "--version", "3", "--advert-int",
        "0.1");
    Node node = lab.node(2, "vrid=96", "priority=150", "version=3", "advert=100", "vip=" + vip + "/24",
        "track-absent=" + flag);
    node.awaitState("MASTER", 3_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);
    java.nio.file.Files.createFile(flag);
    try {
      node.awaitState("FAULT", 3_000);
      lab.awaitOwner(vip, lab.ns(1), 2_000);
    } finally {
      java.nio.file.Files.delete(flag);
    }
    node.awaitState("BACKUP", 3_000);
    node.awaitState("MASTER", 3_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);
    assertEquals(0, node.terminate());
    lab.run("stop", lab.ns(1));
  }
}
