package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.internal.codec.AuthenticationHeader;
import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import dev.lbkit.vrrp.testkit.Pcap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * keepalived's IPsec-AH authentication ({@code auth_type AH}) between lbkit and real keepalived 2.2.7 in the project's
 * lab ({@code lab/vrrp/vrrp-lab}): the same Master both ways round, failover on a crash and a graceful stop,
 * preemption by a peer that restarted (its sequence numbers from 1 again), a wrong password rejected on both sides,
 * unicast peers (whose ICV leaves the TTL out), lbkit's datagrams on the wire checked byte by byte, loss and delay, and
 * the top of the 32-bit sequence space in both directions (lbkit's counter set near it through a test-only hook).
 * VRRPv2 at 1 s: about 3 minutes. Needs root and keepalived (.ci/install).
 */
final class KeepalivedAhInteropIT {
  private static final String PASS = "secret12";
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbah", 3);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  /** A test that failed half-way leaves no lbkit node advertising into the next one (each has its own VRID). */
  @AfterEach
  void killLeftNodes() {
    lab.killNodes();
  }

  /**
   * {@link Lab#awaitOwner}, failing with keepalived's log (router 1) and the lbkit node's output: for a step that
   * failed once in many runs (the owner restart below, in one CI run) without telling why.
   */
  private static void awaitOwnerExplained(String vip, int router, long timeoutMs, Node node) {
    try {
      lab.awaitOwner(vip, lab.ns(router), timeoutMs);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nkeepalived (router 1) log:\n" + lab.keepalivedLog(1)
          + "\nlbkit node output: " + node.output(), e);
    }
  }

  private static void keepalived(int router, int priority, int vrid, String vip, String password,
      String... more) {
    List<String> options = new java.util.ArrayList<>(List.of("--priority", Integer.toString(priority), "--vrid",
        Integer.toString(vrid), "--vip", vip + "/24", "--auth-pass", password, "--auth-type", "AH"));
    options.addAll(List.of(more));
    lab.keepalived(router, options.toArray(new String[0]));
  }

  private static Node lbkit(int router, int priority, int vrid, String vip, String password, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("vrid=" + vrid, "priority=" + priority, "version=2",
        "advert=1000", "vip=" + vip + "/24", "pass=" + password, "auth-type=AH"));
    args.addAll(List.of(more));
    return lab.node(router, args.toArray(new String[0]));
  }

  private static String stats(Node node) {
    return node.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
  }

  @Test
  void electionFailoverAndPreemptionBothWays() throws IOException {
    String vip = "10.98.0.110";
    keepalived(1, 150, 81, vip, PASS);
    lab.awaitOwner(vip, lab.ns(1), 6_000);
    Path pcap = Files.createTempFile("lbkit-ah", ".pcap");
    Process capture = lab.capture(pcap, "ip proto 51 and src " + Lab.ip(2));
    Node node = lbkit(2, 100, 81, vip, PASS);
    node.awaitState("BACKUP", 3_000);
    // both agree: keepalived (150) stays Master, lbkit (100) Backup, past lbkit's Master_Down_Interval (3.6 s)
    Lab.sleepMs(4_500);
    lab.assertSingleOwner(vip, lab.ns(1));
    assertTrue(node.output().stream().noneMatch(l -> l.startsWith("STATE BACKUP MASTER")), node.output().toString());

    // keepalived crashes: lbkit takes over after Master_Down_Interval
    lab.run("kill", lab.ns(1));
    node.awaitState("MASTER", 6_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);

    // keepalived comes back (sequence numbers from 1 again), learns lbkit's numbers as a Backup and preempts it
    keepalived(1, 150, 81, vip, PASS);
    node.awaitState("BACKUP", 10_000);
    lab.awaitOwner(vip, lab.ns(1), 1_000);
    assertTrue(lab.keepalivedLog(1).contains("received lower priority (100)"), lab.keepalivedLog(1));

    // graceful stop of keepalived: priority 0, lbkit takes over after Skew_Time
    lab.run("stop", lab.ns(1));
    node.awaitState("MASTER", 3_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);

    // keepalived restarts with a lower priority: it accepts lbkit's adverts and stays Backup
    keepalived(1, 50, 81, vip, PASS);
    // from its start (it logs Backup first), past its Master_Down_Interval at priority 50 (3.8 s): a keepalived slow
    // to start must not shorten the watch
    lab.awaitKeepalivedLog(1, "Entering BACKUP STATE", 3_000);
    Lab.sleepMs(5_000);
    lab.assertSingleOwner(vip, lab.ns(2));
    String log = lab.keepalivedLog(1);
    assertFalse(log.contains("IPSEC-AH"), "keepalived dropped lbkit's AH adverts: " + log);
    assertFalse(log.contains("Entering MASTER STATE"), log);
    Lab.stopCapture(capture);

    // lbkit resigns (SIGTERM, priority 0): keepalived takes over
    assertEquals(0, node.terminate());
    lab.awaitOwner(vip, lab.ns(1), 2_000);
    String stats = stats(node);
    assertTrue(stats.contains("rejected={}"), "lbkit dropped none of keepalived's AH adverts: " + stats);

    // lbkit, restarted with the higher priority (sequence numbers from 1 again), preempts keepalived
    Node node2 = lbkit(2, 200, 81, vip, PASS);
    node2.awaitState("MASTER", 6_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);
    assertTrue(lab.keepalivedLog(1).contains("higher priority 200"), lab.keepalivedLog(1));
    assertEquals(0, node2.terminate());
    lab.awaitOwner(vip, lab.ns(1), 2_000);
    lab.run("stop", lab.ns(1));

    // lbkit's datagrams as captured: protocol 51, SPI its address, IP ID and sequence number rising, ICV valid
    List<byte[]> sent = Pcap.ipv4Datagrams(pcap, AuthenticationHeader.IPPROTO_AH);
    Lab.deleteCapture(pcap);
    assertTrue(sent.size() >= 5, "lbkit's AH datagrams captured: " + sent.size());
    byte[] key = AuthenticationHeader.key(PASS.getBytes(StandardCharsets.US_ASCII));
    long lastSequence = 0;
    int lastId = 0;
    for (byte[] d : sent) {
      AuthenticationHeader.Parsed p = AuthenticationHeader.open(Arrays.copyOf(d, 20), Arrays.copyOfRange(d, 20,
          d.length));
      AuthenticationHeader.Opened o = ((AuthenticationHeader.Parsed.Ok) p).opened();
      assertNull(o.verify(key, false));
      assertEquals(0xc0, d[1] & 0xff, "TOS");
      assertEquals(0, ((d[6] & 0xff) << 8) | (d[7] & 0xff), "flags and fragment offset: no DF, as keepalived's");
      assertEquals(255, o.ttl());
      int id = ((d[4] & 0xff) << 8) | (d[5] & 0xff);
      assertTrue(o.sequence() > lastSequence, "sequence " + o.sequence() + " after " + lastSequence);
      assertTrue(id > lastId, "IP ID " + id + " after " + lastId);
      lastSequence = o.sequence();
      lastId = id;
    }
  }

  @Test
  void wrongPasswordIsRejectedOnBothSides() {
    String vip = "10.98.0.111";
    keepalived(1, 100, 82, vip, PASS);
    lab.awaitOwner(vip, lab.ns(1), 6_000);
    Node wrong = lbkit(2, 150, 82, vip, "other");
    wrong.awaitState("MASTER", 6_000);
    // keepalived, Master, drops lbkit's first adverts as Master (150) for their ICV instead of stepping down
    lab.awaitKeepalivedLog(1, "invalid IPSEC HMAC-MD5", 3_000);
    // neither accepts the other: both Master, as two keepalived routers with different passwords would be
    awaitBoth(vip, 2_000);
    assertEquals(lab.ns(1) + " " + lab.ns(2), lab.owners(vip), "split brain, as keepalived has it");
    assertEquals(0, wrong.terminate());
    String stats = stats(wrong);
    assertTrue(stats.matches(".*auth_ah_icv=[1-9].*"), stats);
    lab.run("stop", lab.ns(1));
  }

  @Test
  void partitionsAndAnOwnerRestart_endWithOneMaster() {
    String vip = "10.98.0.113";
    keepalived(1, 100, 84, vip, PASS);
    lab.awaitOwner(vip, lab.ns(1), 6_000);
    Node node = lbkit(2, 150, 84, vip, PASS);
    node.awaitState("MASTER", 6_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);

    // keepalived cut off: it takes over on its side, its counter behind lbkit's; healed, it hears lbkit again
    lab.run("partition", lab.ns(1));
    awaitBoth(vip, 6_000);
    lab.run("heal", lab.ns(1));
    lab.awaitOwner(vip, lab.ns(2), 4_000);

    // lbkit cut off: keepalived takes over; healed, lbkit's higher priority and higher numbers win again
    lab.run("partition", lab.ns(2));
    awaitBoth(vip, 6_000);
    lab.run("heal", lab.ns(2));
    lab.awaitOwner(vip, lab.ns(2), 4_000);
    Lab.sleepMs(2_000);
    lab.assertSingleOwner(vip, lab.ns(2));
    assertEquals(0, node.terminate());
    lab.awaitOwner(vip, lab.ns(1), 2_000);

    // lbkit restarts as the address owner: Master at once, its numbers from 1 again, which keepalived drops as
    // replays; lbkit accepts keepalived's lower-priority adverts and answers at once with a higher number
    Node owner = lbkit(2, 255, 84, vip, PASS);
    owner.awaitState("MASTER", 3_000);
    // lbkit can answer only when keepalived advertises, and keepalived, Master while it drops lbkit's numbers,
    // advertises irregularly (seen: none for 5 s; sequenceTop_* notes the same): one CI run failed at 5 s here
    awaitOwnerExplained(vip, 2, 15_000, owner);
    Lab.sleepMs(2_000);
    lab.assertSingleOwner(vip, lab.ns(2));
    assertTrue(lab.keepalivedLog(1).contains("higher priority 255"), lab.keepalivedLog(1));
    assertEquals(0, owner.terminate());
    lab.run("stop", lab.ns(1));
  }

  /**
   * Loss and delay of the AH-wrapped adverts between keepalived (Master, 150) and lbkit (Backup, 100), through the
   * lab's {@code loss} and {@code delay}, which match IP protocol 51: each fault shows on lbkit's side (a takeover
   * when it must, none when the timers must ride it out), and once it ends there is exactly one Master and one
   * holder of the VIP.
   */
  @Test
  void lossAndDelay_endWithOneMasterAndOneHolder() {
    String vip = "10.98.0.114";
    keepalived(1, 150, 85, vip, PASS);
    lab.awaitOwner(vip, lab.ns(1), 6_000);
    Node node = lbkit(2, 100, 85, vip, PASS);
    node.awaitState("BACKUP", 3_000);

    // every AH datagram in and out of the Master dropped: lbkit hears no Master and takes over; keepalived hears
    // nobody either and stays Master (a split brain while the fault lasts)
    lab.run("loss", lab.ns(1), "100");
    node.awaitState("MASTER", 6_000);
    awaitBoth(vip, 2_000);
    lab.run("loss", lab.ns(1), "0");
    node.awaitState("BACKUP", 3_000);
    assertOneMaster(vip, node);

    // half of them dropped for 6 s: lbkit may or may not take over (three adverts in a row lost); afterwards one
    // Master again
    lab.run("loss", lab.ns(1), "50");
    Lab.sleepMs(6_000);
    lab.run("loss", lab.ns(1), "0");
    assertOneMaster(vip, node);

    // the Master's adverts held 1.5 s: the longest gap lbkit sees is 2.5 s, less than its Master_Down_Interval (3.6 s)
    node.assertNoTakeover(() -> lab.run("delay", lab.ns(1), "1500"), 5_000);
    lab.assertSingleOwner(vip, lab.ns(1));
    // held 5 s: lbkit takes over, then the late adverts (priority 150, authentic, in order) send it back to Backup
    // while the delay lasts
    lab.run("delay", lab.ns(1), "5000");
    node.awaitState("MASTER", 6_000);
    node.awaitState("BACKUP", 6_000);
    lab.run("delay", lab.ns(1), "0");
    assertOneMaster(vip, node);
    assertEquals(0, node.terminate());
    // the held adverts were released when the delay ended, possibly behind a newer one (a replay to lbkit), but
    // none was altered
    String stats = stats(node);
    assertFalse(stats.contains("auth_ah_icv") || stats.contains("ah_format"), stats);
    lab.run("stop", lab.ns(1));
  }

  /**
   * After a fault: keepalived (router 1) holds the VIP alone, and it stays so for longer than lbkit's
   * Master_Down_Interval: keepalived Master, lbkit Backup.
   */
  private static void assertOneMaster(String vip, Node node) {
    lab.awaitOwner(vip, lab.ns(1), 5_000);
    Lab.sleepMs(4_000);
    lab.assertSingleOwner(vip, lab.ns(1));
    assertEquals("MASTER", lab.keepalivedState(1), lab.keepalivedLog(1));
    assertEquals("BACKUP", node.lastState(), node.output().toString());
  }

  /** Waits until both routers hold the VIP (a partition's two Masters). */
  private static void awaitBoth(String vip, long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    String both = lab.ns(1) + " " + lab.ns(2);
    while (!lab.owners(vip).equals(both)) {
      assertTrue(System.nanoTime() < deadline, "both should hold " + vip + " but " + lab.owners(vip) + " do");
      Lab.sleepMs(20);
    }
  }

  @Test
  void unicastPeers_electAndFailOver() {
    String vip = "10.98.0.112";
    keepalived(1, 100, 83, vip, "short", "--unicast-peer", Lab.ip(2));
    lab.awaitOwner(vip, lab.ns(1), 6_000);
    Node node = lbkit(2, 150, 83, vip, "short", "peer=" + Lab.ip(1));
    node.awaitState("MASTER", 6_000);
    lab.awaitOwner(vip, lab.ns(2), 1_000);
    assertTrue(lab.keepalivedLog(1).contains("higher priority 150"), lab.keepalivedLog(1));
    Lab.sleepMs(2_000);
    lab.assertSingleOwner(vip, lab.ns(2));
    node.kill();
    lab.deleteAddress(2, vip + "/24");
    lab.awaitOwner(vip, lab.ns(1), 6_000);
    lab.run("stop", lab.ns(1));
  }

  /**
   * The top of the AH sequence space, lbkit the sender: lbkit (150) is Master with its counter set just below 2^32
   * (test-only hook), keepalived (100) Backup. lbkit counts up to 0xFFFFFFFE and then repeats it, as keepalived's
   * sender does; keepalived drops the repeats and takes over after its Master_Down_Interval; lbkit hears its
   * 0xFFFFFFFE, answers with 0xFFFFFFFF (keepalived's "one above the lower-priority advert"), which keepalived accepts
   * once and goes back to Backup; from then on each drops all the other's adverts (both counters at the top) and both
   * stay Master, the same end two keepalived routers reach (see {@link AhSession}). lbkit never wraps to 0, never
   * throws, and drops nothing but keepalived's repeats. About 20 s.
   */
  @Test
  void sequenceTop_lbkitMasterCrossesIt_keepalivedTakesOverAndBothStayMaster() throws IOException {
    String vip = "10.98.0.115";
    Path pcap = Files.createTempFile("lbkit-ah-top", ".pcap");
    Process capture = lab.capture(pcap, "ip proto 51");
    Node node = lbkit(2, 150, 86, vip, PASS, "ah-counter=" + (0xFFFFFFFFL - 6)); // first advert 0xFFFFFFFA
    node.awaitState("MASTER", 6_000);
    keepalived(1, 100, 86, vip, PASS);
    lab.awaitKeepalivedLog(1, "(VI_86) Entering BACKUP STATE (init)", 3_000);
    // 0xFFFFFFFE about 4 s after the takeover, repeated from the next advert on; keepalived's timer then runs out
    lab.awaitKeepalivedLog(1, "IPSEC-AH : sequence number 4294967294 already processed. Packet dropped."
        + " Local(4294967294)", 8_000);
    lab.awaitKeepalivedLog(1, "Master received advert from " + Lab.ip(2) + " with higher priority 150, ours 100",
        8_000);
    lab.awaitKeepalivedLog(1, "IPSEC-AH : sequence number 4294967295 already processed. Packet dropped."
        + " Local(4294967295)", 3_000);
    awaitBoth(vip, 6_000);
    Lab.sleepMs(4_000); // longer than either Master_Down_Interval: no one goes back to Backup
    assertEquals(lab.ns(1) + " " + lab.ns(2), lab.owners(vip), "both Master, each dropping the other's adverts");
    assertEquals("MASTER", lab.keepalivedState(1), lab.keepalivedLog(1));
    assertTrue(node.output().stream().noneMatch(l -> l.startsWith("STATE MASTER")), node.output().toString());
    assertEquals(2, count(lab.keepalivedLog(1), "Entering MASTER STATE"), lab.keepalivedLog(1));
    assertEquals(0, node.terminate());
    // keepalived's own adverts as Master come irregularly while it drops lbkit's (9 in 23 s in one run, none in the
    // last 5 s in another): lbkit drops the repeats it gets as replays, and nothing else
    String stats = stats(node);
    assertTrue(stats.matches(".*rejected=\\{(auth_ah_sequence=[0-9]+)?}.*"), stats);
    lab.run("stop", lab.ns(1));
    Lab.stopCapture(capture);

    // lbkit's numbers on the wire: rising to 0xFFFFFFFE, repeated, then 0xFFFFFFFF (the answer to keepalived's
    // 0xFFFFFFFE), repeated until it resigned; never past the top, never back to a small number
    List<Long> sent = sequences(pcap, Lab.ip(2));
    Lab.deleteCapture(pcap);
    int top = sent.indexOf(0xFFFFFFFEL);
    assertTrue(top > 0 && sent.get(0) == 0xFFFFFFFAL, sent.toString());
    for (int i = 1; i <= top; i++) {
      assertEquals(sent.get(i - 1) + 1, sent.get(i), sent.toString());
    }
    int answer = sent.indexOf(0xFFFFFFFFL);
    assertTrue(answer > top + 1, "0xFFFFFFFE repeated before keepalived took over: " + sent);
    assertTrue(sent.subList(top, answer).stream().allMatch(n -> n == 0xFFFFFFFEL), sent.toString());
    assertTrue(sent.subList(answer, sent.size()).stream().allMatch(n -> n == 0xFFFFFFFFL), sent.toString());
  }

  /**
   * The top of the AH sequence space, keepalived the sender and lbkit the receiver: lbkit (100) is Master first with
   * its counter just below 2^32, keepalived (150) learns it as a Backup and takes over, counting on from there. At the
   * top keepalived repeats 0xFFFFFFFE: lbkit, Backup, drops the repeats as replays (counted, no exception), takes over
   * after its Master_Down_Interval, and keepalived drops lbkit's 0xFFFFFFFE in turn: both Master. About 20 s.
   */
  @Test
  void sequenceTop_keepalivedMasterCrossesIt_lbkitBackupCountsTheRepeatsAndTakesOver() throws IOException {
    String vip = "10.98.0.116";
    Node node = lbkit(2, 100, 87, vip, PASS, "ah-counter=" + (0xFFFFFFFFL - 9));
    node.awaitState("MASTER", 6_000);
    keepalived(1, 150, 87, vip, PASS);
    node.awaitState("BACKUP", 6_000);
    lab.awaitOwner(vip, lab.ns(1), 1_000);
    // keepalived counts on from lbkit's numbers, reaches 0xFFFFFFFE and repeats it; lbkit's timer runs out
    node.awaitState("MASTER", 12_000);
    lab.awaitKeepalivedLog(1, "IPSEC-AH : sequence number 4294967294 already processed. Packet dropped."
        + " Local(4294967294)", 3_000);
    awaitBoth(vip, 2_000);
    Lab.sleepMs(4_000);
    assertEquals(lab.ns(1) + " " + lab.ns(2), lab.owners(vip), "both Master, each dropping the other's adverts");
    assertEquals("MASTER", lab.keepalivedState(1), lab.keepalivedLog(1));
    assertEquals("MASTER", node.lastState(), node.output().toString());
    assertEquals(0, node.terminate());
    String stats = stats(node);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("rejected=\\{auth_ah_sequence=(\\d+)}").matcher(stats);
    assertTrue(m.find() && Long.parseLong(m.group(1)) >= 2, "the repeats, counted: " + stats);
    lab.run("stop", lab.ns(1));
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** The AH sequence numbers of the datagrams {@code source} sent, in capture order. */
  private static List<Long> sequences(Path pcap, String source) throws IOException {
    List<Long> out = new java.util.ArrayList<>();
    for (byte[] d : Pcap.ipv4Datagrams(pcap, AuthenticationHeader.IPPROTO_AH)) {
      AuthenticationHeader.Opened o = ((AuthenticationHeader.Parsed.Ok) AuthenticationHeader.open(
          Arrays.copyOf(d, 20), Arrays.copyOfRange(d, 20, d.length))).opened();
      if (o.source().getHostAddress().equals(source)) {
        out.add(o.sequence());
      }
    }
    return out;
  }
}
