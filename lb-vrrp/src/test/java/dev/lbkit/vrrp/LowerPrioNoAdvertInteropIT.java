package dev.lbkit.vrrp;

import static dev.lbkit.vrrp.lab.LabWire.assertAbout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import dev.lbkit.vrrp.lab.LabWire;
import dev.lbkit.vrrp.lab.LabWire.Router;
import dev.lbkit.vrrp.testkit.Pcap;
import dev.lbkit.vrrp.testkit.Pcap.Frame;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * keepalived 2.2.7 and lbkit as Masters that hear a lower priority, with keepalived's {@code lower_prio_no_advert} and
 * without it, side by side on the lab's bridge. Namespaces 1 (keepalived) and 2 (lbkit) have the setting, 3
 * (keepalived) and 4 (lbkit) do not (the control); all four are VRRPv2, priority 150, advert_int 1, with one
 * gratuitous ARP at the takeover (garp_master_repeat 1, garp_master_delay 0) and one on each lower priority
 * (garp_lower_prio_repeat 1, garp_lower_prio_delay 0). A fifth namespace plays a lower-priority router (priority 100)
 * that advertises each VRID 2.5 s and 3.3 s after that VRID's first advertisement, as a Backup that lost its Master's
 * adverts for a while would. From one capture: with the setting neither implementation answers, its advertisements
 * run on every second from the takeover, yet each still refreshes the VIP with a gratuitous ARP; without it both answer
 * at once with an advertisement that restarts the advertisement timer. keepalived's log names each lower priority,
 * with "forcing new election" only without the setting. Needs root (.ci/install). About 15 s.
 */
@Isolated // VRRP timing: never beside the kernel-lab VMs (pom.xml)
final class LowerPrioNoAdvertInteropIT {
  private static final String K_QUIET = "10.98.0.191";
  private static final String L_QUIET = "10.98.0.192";
  private static final String K_ANSWERS = "10.98.0.193";
  private static final String L_ANSWERS = "10.98.0.194";
  /** The window compared, from each router's takeover: the second lower priority and three intervals past it. */
  private static final long WINDOW_MS = 6_500;
  private static final long TOLERANCE_MS = 100;
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbnp", 5);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  private static void keepalived(int ns, int vrid, String vip, boolean lowerPrioNoAdvert) {
    List<String> options = new ArrayList<>(List.of("--priority", "150", "--vrid", Integer.toString(vrid),
        "--version", "2", "--advert-int", "1", "--vip", vip + "/24", "--line", "garp_master_repeat 1",
        "--line", "garp_master_delay 0", "--line", "garp_lower_prio_repeat 1", "--line", "garp_lower_prio_delay 0"));
    if (lowerPrioNoAdvert) {
      options.addAll(List.of("--line", "lower_prio_no_advert"));
    }
    lab.keepalived(ns, options.toArray(new String[0]));
  }

  private static Node lbkit(int ns, int vrid, String vip, boolean lowerPrioNoAdvert) {
    return lab.node(ns, "vrid=" + vrid, "priority=150", "version=2", "advert=1000", "vip=" + vip + "/24",
        "garp-repeat=1", "garp-delay-ms=0", "garp-lower-repeat=1", "garp-lower-delay-ms=0",
        "lower-prio-no-advert=" + lowerPrioNoAdvert);
  }

  @Test
  void lowerPrioNoAdvert_neitherAnswersALowerPriority_andTheControlBothAnswer() throws IOException {
    Path pcap = Files.createTempFile("lbkit-lower-prio", ".pcap");
    Process capture = lab.capture(pcap, "arp or ip proto 112");
    Node advertiser = lab.advertiser(5, "IPV4", "2", "100", "2500,3300", "91=" + K_QUIET, "92=" + L_QUIET,
        "93=" + K_ANSWERS, "94=" + L_ANSWERS);
    keepalived(1, 91, K_QUIET, true);
    keepalived(3, 93, K_ANSWERS, false);
    Node quiet = lbkit(2, 92, L_QUIET, true);
    Node answers = lbkit(4, 94, L_ANSWERS, false);
    advertiser.awaitLine("DONE", 30_000);
    // the last lower priority went out 3.3 s after a takeover: the window ends 3.2 s later, plus a margin. (A run with
    // a 0.4 s margin lost lbkit's last advertisement of the window: tcpdump then took packets over in blocks and lost
    // the one still open at SIGTERM. Lab.capture runs it in immediate mode now)
    Lab.sleepMs(WINDOW_MS - 3_300 + 400);
    Lab.stopCapture(capture);
    assertEquals(0, quiet.terminate());
    assertEquals(0, answers.terminate());
    List<Frame> frames = Pcap.timedFrames(pcap);
    Lab.deleteCapture(pcap);

    Router kQuiet = Router.of(frames, "keepalived lower_prio_no_advert", 1, 91, InetAddress.getByName(K_QUIET), 5,
        WINDOW_MS);
    Router lQuiet = Router.of(frames, "lbkit lowerPrioNoAdvert", 2, 92, InetAddress.getByName(L_QUIET), 5,
        WINDOW_MS);
    Router kAnswers = Router.of(frames, "keepalived (control)", 3, 93, InetAddress.getByName(K_ANSWERS), 5,
        WINDOW_MS);
    Router lAnswers = Router.of(frames, "lbkit (control)", 4, 94, InetAddress.getByName(L_ANSWERS), 5, WINDOW_MS);
    List<Router> routers = List.of(kQuiet, lQuiet, kAnswers, lAnswers);
    String all = LabWire.report(routers);
    System.out.print("LowerPrioNoAdvertInteropIT, ms after each takeover:\n" + all);
    for (Router r : routers) {
      assertEquals(List.of(2_500L, 3_300L), r.lowerPriorities().stream().map(t -> Math.round(t / 100.0) * 100)
          .toList(), "the lower priorities were sent when planned:\n" + all);
      // with the setting or without, the Master refreshes its neighbours' ARP caches on each lower priority
      assertAbout(List.of(0L, 2_500L, 3_300L), r.announcements(), TOLERANCE_MS, r.name() + "'s gratuitous ARPs",
          all);
    }

    // lower_prio_no_advert: no answer, and the advertisement timer runs on from the takeover
    List<Long> unanswered = List.of(0L, 1_000L, 2_000L, 3_000L, 4_000L, 5_000L, 6_000L);
    // without it: an answer at once to each lower priority, and the next advertisement an interval after the answer
    List<Long> answered = List.of(0L, 1_000L, 2_000L, 2_500L, 3_300L, 4_300L, 5_300L, 6_300L);
    assertAbout(unanswered, kQuiet.adverts(), TOLERANCE_MS, kQuiet.name() + "'s advertisements", all);
    assertAbout(unanswered, lQuiet.adverts(), TOLERANCE_MS, lQuiet.name() + "'s advertisements", all);
    assertAbout(answered, kAnswers.adverts(), TOLERANCE_MS, kAnswers.name() + "'s advertisements", all);
    assertAbout(answered, lAnswers.adverts(), TOLERANCE_MS, lAnswers.name() + "'s advertisements", all);
    assertAbout(kQuiet.adverts(), lQuiet.adverts(), TOLERANCE_MS, "with the setting: lbkit against keepalived", all);
    assertAbout(kAnswers.adverts(), lAnswers.adverts(), TOLERANCE_MS, "the control: lbkit against keepalived", all);
    for (Router r : routers) {
      boolean quietOne = r == kQuiet || r == lQuiet;
      for (long lower : r.lowerPriorities()) {
        boolean answer = r.adverts().stream().anyMatch(a -> a >= lower && a - lower < 50);
        assertEquals(!quietOne, answer, r.name() + (quietOne ? " must not answer" : " answers") + " the lower "
            + "priority at " + lower + " ms (an advertisement within 50 ms):\n" + all);
      }
    }

    // keepalived's own account: it heard both lower priorities, and forced a new election only without the setting
    String heard = "Received advert from " + Lab.ip(5) + " with lower priority 100, ours 150";
    String quietLog = lab.keepalivedLog(1);
    String answersLog = lab.keepalivedLog(3);
    assertEquals(2, count(quietLog, heard), quietLog);
    assertFalse(quietLog.contains("forcing new election"), quietLog);
    assertEquals(2, count(answersLog, heard + ", forcing new election"), answersLog);
    assertTrue(quietLog.contains("Entering MASTER STATE") && answersLog.contains("Entering MASTER STATE"),
        quietLog + answersLog);
  }

  private static int count(String text, String line) {
    int n = 0;
    for (int at = text.indexOf(line); at >= 0; at = text.indexOf(line, at + line.length())) {
      n++;
    }
    return n;
  }
}
