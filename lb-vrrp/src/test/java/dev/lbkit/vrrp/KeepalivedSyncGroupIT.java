package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sync group beside keepalived 2.2.7 in the project's lab: lbkit runs two instances (VRID 31 and 32) in one sync
 * group, keepalived the matching two in a {@code vrrp_sync_group}. A tracked script failing on one lbkit instance
 * takes both out of Master together and keepalived takes both VIPs; when it recovers, lbkit's group preempts both back,
 * or with preemption off stays Backup. VRRPv3 at 100 ms adverts, about 25 s. Needs root and keepalived (.ci/install).
 */
final class KeepalivedSyncGroupIT {
  private static final String VIP1 = "10.98.0.120";
  private static final String VIP2 = "10.98.0.121";
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbsg", 2);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  /** keepalived's side: VI_31 and VI_32 at priority 100 in one vrrp_sync_group. */
  private static Path keepalivedConfig() throws IOException {
    StringBuilder c = new StringBuilder("global_defs {\n    router_id " + lab.ns(1) + "\n    vrrp_version 3\n}\n"
        + "vrrp_sync_group G {\n    group {\n        VI_31\n        VI_32\n    }\n}\n");
    for (String[] i : List.of(new String[] {"31", VIP1}, new String[] {"32", VIP2})) {
      c.append("vrrp_instance VI_").append(i[0]).append(" {\n    state BACKUP\n    interface eth0\n")
          .append("    virtual_router_id ").append(i[0]).append("\n    priority 100\n    advert_int 0.1\n")
          .append("    virtual_ipaddress {\n        ").append(i[1]).append("/24 dev eth0\n    }\n}\n");
    }
    Path file = Files.createTempFile("lbkit-sync-group", ".conf");
    Files.writeString(file, c);
    return file;
  }

  /** Polls the node's output every 20 ms for a line matching {@code regex} at index {@code from} or later. */
  private static String awaitOutput(Node node, int from, String regex, long timeoutMs) {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (System.nanoTime() < deadline) {
      List<String> out = node.output();
      for (String l : out.subList(Math.min(from, out.size()), out.size())) {
        if (p.matcher(l).matches()) {
          return l;
        }
      }
      Lab.sleepMs(20);
    }
    return fail("no line matching " + regex + " in " + timeoutMs + " ms: " + node.output());
  }

  private static long stamp(String stateLine) {
    return Long.parseLong(stateLine.split(" ")[3]);
  }

  private static long count(String text, String needle) {
    return Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
  }

  @Test
  void trackedFaultOfOneMember_takesTheGroupOutOfMaster_keepalivedTakesBoth_andRecoveryPreemptsBoth()
      throws Exception {
    Path conf = keepalivedConfig();
    Path flag = Files.createTempFile("lbkit-sync-track", ".flag");
    Files.delete(flag);
    try {
      lab.keepalived(1, "--config", conf.toString());
      lab.awaitOwner(VIP1, lab.ns(1), 3_000);
      lab.awaitOwner(VIP2, lab.ns(1), 1_000);
      // lbkit (150): only VI (VRID 31) tracks the script; VI2 (VRID 32) follows it through the group
      Node node = lab.node(2, "vrid=31", "vip=" + VIP1 + "/24", "vrid2=32", "vip2=" + VIP2 + "/24", "priority=150",
          "version=3", "advert=100", "track-absent=" + flag);
      awaitOutput(node, 0, "STATE BACKUP MASTER \\d+ VI .*", 3_000);
      awaitOutput(node, 0, "STATE BACKUP MASTER \\d+ VI2 .*", 1_000);
      lab.awaitOwner(VIP1, lab.ns(2), 1_000);
      lab.awaitOwner(VIP2, lab.ns(2), 1_000);

      // VI's script fails: VI goes Fault and VI2 with it, in the same step; keepalived takes both VIPs
      int before = node.output().size();
      Files.createFile(flag);
      String fault1 = awaitOutput(node, before, "STATE MASTER FAULT \\d+ VI tracked .*", 3_000);
      String fault2 = awaitOutput(node, before, "STATE MASTER FAULT \\d+ VI2 sync group member in fault", 1_000);
      assertTrue(Math.abs(stamp(fault1) - stamp(fault2)) < 50_000_000L, fault1 + " / " + fault2);
      lab.awaitOwner(VIP1, lab.ns(1), 2_000);
      lab.awaitOwner(VIP2, lab.ns(1), 2_000);
      // while the script fails, neither comes back: VI2 alone would preempt keepalived after 0.34 s
      Lab.sleepMs(1_000);
      lab.assertSingleOwner(VIP1, lab.ns(1));
      lab.assertSingleOwner(VIP2, lab.ns(1));
      List<String> during = node.output().subList(before, node.output().size());
      assertEquals(2, during.stream().filter(l -> l.startsWith("STATE ")).count(), during.toString());

      // the script passes again: both return as Backup and, preempt being on, take both VIPs back
      int recovered = node.output().size();
      Files.delete(flag);
      awaitOutput(node, recovered, "STATE FAULT BACKUP \\d+ VI .*", 3_000);
      awaitOutput(node, recovered, "STATE FAULT BACKUP \\d+ VI2 .*", 1_000);
      awaitOutput(node, recovered, "STATE BACKUP MASTER \\d+ VI .*", 2_000);
      awaitOutput(node, recovered, "STATE BACKUP MASTER \\d+ VI2 .*", 2_000);
      lab.awaitOwner(VIP1, lab.ns(2), 2_000);
      lab.awaitOwner(VIP2, lab.ns(2), 2_000);
      String log = lab.keepalivedLog(1);
      assertTrue(count(log, "(VI_31) Entering MASTER STATE") >= 2 && count(log, "(VI_32) Entering MASTER STATE") >= 2,
          "keepalived took over both instances at the fault: " + log);
      assertTrue(count(log, "(VI_32) Entering BACKUP STATE") >= 3, "and gave both back: " + log);
      assertEquals(0, node.terminate());
      lab.awaitOwner(VIP1, lab.ns(1), 2_000);
      lab.awaitOwner(VIP2, lab.ns(1), 2_000);
      String stats = node.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
      assertTrue(stats.contains("addressErrors=0 sendErrors=0"), stats);
    } finally {
      Files.deleteIfExists(flag);
      Files.deleteIfExists(conf);
      lab.run(List.of(0, 1), "stop", lab.ns(1));
    }
  }

  @Test
  void aMemberBehindABetterKeepalivedMaster_keepsTheGroupBackup_asKeepalivedDoes() {
    // keepalived runs VRID 31 alone at 200; lbkit's group has 31 and 32 at 150. keepalived's own group would stay
    // Backup here (vrrp_sync_can_goto_master: every member must want Master), leaving VRID 32 without a Master
    lab.keepalived(1, "--priority", "200", "--vrid", "31", "--vip", VIP1 + "/24", "--version", "3", "--advert-int",
        "0.1");
    try {
      lab.awaitOwner(VIP1, lab.ns(1), 3_000);
      Node node = lab.node(2, "vrid=31", "vip=" + VIP1 + "/24", "vrid2=32", "vip2=" + VIP2 + "/24", "priority=150",
          "version=3", "advert=100");
      awaitOutput(node, 0, "STATE INITIALIZE BACKUP \\d+ VI2 .*", 3_000);
      // five of VI2's Master_Down_Intervals (0.34 s): alone it would have taken VRID 32 by now
      Lab.sleepMs(1_700);
      assertEquals(2, node.output().stream().filter(l -> l.startsWith("STATE ")).count(), node.output().toString());
      lab.assertSingleOwner(VIP1, lab.ns(1));
      assertEquals("", lab.owners(VIP2), "nobody holds VRID 32's address");
      assertTrue(!lab.keepalivedLog(1).contains("lower priority"), "lbkit never advertised: " + lab.keepalivedLog(1));
      // keepalived crashes: now both members want Master and take over together
      lab.run("kill", lab.ns(1));
      String m1 = awaitOutput(node, 0, "STATE BACKUP MASTER \\d+ VI .*", 2_000);
      String m2 = awaitOutput(node, 0, "STATE BACKUP MASTER \\d+ VI2 .*", 1_000);
      assertTrue(Math.abs(stamp(m1) - stamp(m2)) < 50_000_000L, m1 + " / " + m2);
      lab.awaitOwner(VIP1, lab.ns(2), 1_000);
      lab.awaitOwner(VIP2, lab.ns(2), 1_000);
      assertEquals(0, node.terminate());
    } finally {
      lab.run(List.of(0, 1), "stop", lab.ns(1));
    }
  }

  @Test
  void withoutPreemption_aRecoveredGroupStaysBackupBehindKeepalived() throws Exception {
    Path conf = keepalivedConfig();
    Path flag = Files.createTempFile("lbkit-sync-track", ".flag");
    Files.delete(flag);
    try {
      // lbkit (150, preempt off) takes both VIPs only because keepalived's group is not running yet
      Node node = lab.node(2, "vrid=31", "vip=" + VIP1 + "/24", "vrid2=32", "vip2=" + VIP2 + "/24", "priority=150",
          "version=3", "advert=100", "preempt=false", "track-absent=" + flag);
      lab.awaitOwner(VIP1, lab.ns(2), 3_000);
      lab.awaitOwner(VIP2, lab.ns(2), 1_000);
      lab.keepalived(1, "--config", conf.toString());
      lab.awaitKeepalivedLog(1, "(VI_32) Entering BACKUP STATE", 3_000);
      // the script fails: the group goes Fault, keepalived's group takes both
      int before = node.output().size();
      Files.createFile(flag);
      awaitOutput(node, before, "STATE MASTER FAULT \\d+ VI2 sync group member in fault", 3_000);
      lab.awaitOwner(VIP1, lab.ns(1), 2_000);
      lab.awaitOwner(VIP2, lab.ns(1), 2_000);
      // it passes again: both back to Backup, and without preemption they stay there behind keepalived (100)
      int recovered = node.output().size();
      Files.delete(flag);
      awaitOutput(node, recovered, "STATE FAULT BACKUP \\d+ VI .*", 3_000);
      awaitOutput(node, recovered, "STATE FAULT BACKUP \\d+ VI2 .*", 1_000);
      Lab.sleepMs(1_000); // about three of lbkit's Master_Down_Intervals (0.34 s)
      List<String> since = node.output().subList(recovered, node.output().size());
      assertTrue(since.stream().noneMatch(l -> l.startsWith("STATE BACKUP MASTER")), since.toString());
      lab.assertSingleOwner(VIP1, lab.ns(1));
      lab.assertSingleOwner(VIP2, lab.ns(1));
      assertEquals(0, node.terminate());
    } finally {
      Files.deleteIfExists(flag);
      Files.deleteIfExists(conf);
      lab.run(List.of(0, 1), "stop", lab.ns(1));
    }
  }
}
