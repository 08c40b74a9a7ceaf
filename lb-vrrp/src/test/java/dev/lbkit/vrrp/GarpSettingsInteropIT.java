package dev.lbkit.vrrp;

import static dev.lbkit.vrrp.lab.LabWire.assertAbout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * keepalived 2.2.7 and lbkit with the same non-default gratuitous ARP settings, side by side on the lab's bridge:
 * garp_master_repeat 3, garp_master_delay 2, garp_master_refresh 3 with garp_master_refresh_repeat 2,
 * garp_lower_prio_repeat 2 with garp_lower_prio_delay 1, vrrp_garp_interval 0.2 (IPv4) and vrrp_gna_interval 0.3
 * (IPv6), advert_int 1; a fifth namespace plays a lower-priority router that advertises twice, 5.5 s and 6 s after
 * each Master's first advertisement. From one capture: each router's gratuitous ARPs / unsolicited NAs and
 * advertisements relative to its takeover must be what keepalived's rules give (the rate limit folds a burst into
 * two messages an interval apart), keepalived and lbkit alike within 100 ms, each lower priority answered with an
 * advertisement that restarts the advertisement timer; and tcpdump -v must print TTL / hop limit 255 for every plain
 * advertisement of both (RFC 5798 5.1.1.3 / 5.1.2.3), and for IPv4 no Don't Fragment flag and a changing
 * identification, as keepalived's own IP header has. Namespaces 1 and 3 run keepalived (IPv4 VRRPv2, IPv6 VRRPv3),
 * 2 and 4 lbkit. Needs root (.ci/install). About 20 s.
 */
@Isolated // VRRP timing: never beside the kernel-lab VMs (pom.xml)
final class GarpSettingsInteropIT {
  private static final String K4 = "10.98.0.181";
  private static final String L4 = "10.98.0.182";
  private static final String K6 = "2001:db8:98::183";
  private static final String L6 = "2001:db8:98::184";
  /** The window compared, from each router's takeover: past the last second burst, before the next refresh. */
  private static final long WINDOW_MS = 9_500;
  private static final long TOLERANCE_MS = 100;
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbgs", 5);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  private static final String[] KEEPALIVED_SETTINGS = {
      "--global", "vrrp_garp_interval 0.2", "--global", "vrrp_gna_interval 0.3",
      "--line", "garp_master_repeat 3", "--line", "garp_master_delay 2", "--line", "garp_master_refresh 3",
      "--line", "garp_master_refresh_repeat 2", "--line", "garp_lower_prio_repeat 2",
      "--line", "garp_lower_prio_delay 1"};

  private static final String[] LBKIT_SETTINGS = {
      "garp-repeat=3", "garp-delay-ms=2000", "garp-refresh-ms=3000", "garp-refresh-repeat=2",
      "garp-lower-repeat=2", "garp-lower-delay-ms=1000", "garp-interval-ms=200", "gna-interval-ms=300"};

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void sameGarpSettings_sameMessagesOnTheWire_andPlainAdvertisementsLeaveWithTtl255() throws IOException {
    Path pcap = Files.createTempFile("lbkit-garp-settings", ".pcap");
    Process capture = lab.capture(pcap, "arp or (icmp6 and ip6[40] == 136) or ip proto 112 or ip6 proto 112");
    Node adv4 = lab.advertiser(5, "IPV4", "2", "100", "5500,6000", "81=" + K4, "82=" + L4);
    Node adv6 = lab.advertiser(5, "IPV6", "3", "100", "5500,6000", "83=" + K6, "84=" + L6);
    lab.keepalived(1, concat(KEEPALIVED_SETTINGS, "--priority", "150", "--vrid", "81", "--version", "2",
        "--advert-int", "1", "--vip", K4 + "/24"));
    lab.keepalived(3, concat(KEEPALIVED_SETTINGS, "--priority", "150", "--vrid", "83", "--version", "3",
        "--advert-int", "1", "--vip", K6 + "/64"));
    Node v4 = lab.node(2, concat(LBKIT_SETTINGS, "vrid=82", "priority=150", "version=2", "advert=1000",
        "vip=" + L4 + "/24"));
    Node v6 = lab.node(4, concat(LBKIT_SETTINGS, "vrid=84", "priority=150", "version=3", "advert=1000",
        "vip=" + L6 + "/64"));
    adv4.awaitLine("DONE", 30_000);
    adv6.awaitLine("DONE", 30_000);
    // the last lower priority went out 6 s after a takeover: the window ends 3.5 s later, plus a margin
    Lab.sleepMs(WINDOW_MS - 6_000 + 400);
    Lab.stopCapture(capture);
    assertEquals(0, v4.terminate());
    assertEquals(0, v6.terminate());
    List<Frame> frames = Pcap.timedFrames(pcap);
    String verbose = LabWire.tcpdumpVerbose(pcap, "ip proto 112 or ip6 proto 112");
    Lab.deleteCapture(pcap);

    // what keepalived's rules give with these settings, in ms after the takeover, with lower priorities at 5.5 and
    // 6 s: IPv4 (interval 0.2 s): every burst is 2 messages 200 ms apart; the second lower priority's burst starts at
    // once (the last ARP is 300 ms old), the first's second burst at 6.5, and at 7.0 the second's with the refresh
    // due since 6 s (merged). IPv6 (0.3 s): a burst asked for while the limit holds is one message a whole interval
    // after the request: 6.0 -> 6.3, 6.5 -> 6.8, 7.0 -> 7.3 (AnnouncementTimingTest has both runs event by event)
    List<Long> expected4 = List.of(0L, 200L, 2000L, 2200L, 3000L, 3200L, 5500L, 5700L, 6000L, 6200L, 6500L, 6700L,
        7000L, 7200L);
    List<Long> expected6 = List.of(0L, 300L, 2000L, 2300L, 3000L, 3300L, 5500L, 5800L, 6300L, 6800L, 7300L);
    // advertisements: every second, and an answer to each lower priority that restarts the timer
    List<Long> adverts = List.of(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 5500L, 6000L, 7000L, 8000L, 9000L);

    Router k4 = Router.of(frames, "keepalived IPv4", 1, 81, InetAddress.getByName(K4), 5, WINDOW_MS);
    Router l4 = Router.of(frames, "lbkit IPv4", 2, 82, InetAddress.getByName(L4), 5, WINDOW_MS);
    Router k6 = Router.of(frames, "keepalived IPv6", 3, 83, InetAddress.getByName(K6), 5, WINDOW_MS);
    Router l6 = Router.of(frames, "lbkit IPv6", 4, 84, InetAddress.getByName(L6), 5, WINDOW_MS);
    String all = LabWire.report(List.of(k4, l4, k6, l6));
    for (Router r : List.of(k4, l4, k6, l6)) {
      assertEquals(List.of(5_500L, 6_000L), r.lowerPriorities().stream().map(t -> Math.round(t / 100.0) * 100)
          .toList(), "the lower priorities were sent when planned:\n" + all);
    }
    assertAbout(expected4, k4.announcements(), TOLERANCE_MS, "keepalived's gratuitous ARPs", all);
    assertAbout(expected4, l4.announcements(), TOLERANCE_MS, "lbkit's gratuitous ARPs", all);
    assertAbout(expected6, k6.announcements(), TOLERANCE_MS, "keepalived's unsolicited NAs", all);
    assertAbout(expected6, l6.announcements(), TOLERANCE_MS, "lbkit's unsolicited NAs", all);
    assertAbout(k4.announcements(), l4.announcements(), TOLERANCE_MS, "IPv4: lbkit against keepalived", all);
    assertAbout(k6.announcements(), l6.announcements(), TOLERANCE_MS, "IPv6: lbkit against keepalived", all);
    for (Router r : List.of(k4, l4, k6, l6)) {
      assertAbout(adverts, r.adverts(), TOLERANCE_MS, r.name() + "'s advertisements", all);
      for (long lower : r.lowerPriorities()) {
        assertTrue(r.adverts().stream().anyMatch(a -> a >= lower && a - lower < 50),
            r.name() + " answers the lower priority at " + lower + " ms within 50 ms:\n" + all);
      }
    }

    // the IP header as tcpdump -v prints it, for every advertisement of each router in the capture: TTL / hop limit
    Map<Integer, List<String>> headers = headersByVrid(verbose);
    for (int vrid : List.of(81, 82, 83, 84)) {
      List<String> h = headers.getOrDefault(vrid, List.of());
      assertTrue(h.size() >= 10, "tcpdump -v shows advertisements of vrid " + vrid + ": " + h + "\n" + verbose);
      List<Integer> t = h.stream().map(x -> field(TTL, x)).toList();
      assertTrue(t.stream().allMatch(x -> x == 255), "TTL / hop limit of vrid " + vrid + " (81, 83 keepalived; "
          + "82, 84 lbkit): " + t);
    }
    // IPv4: no Don't Fragment flag (keepalived writes its own header with the fragment field 0; lbkit's kernel-built
    // header had DF under the default path MTU discovery), and an identification that changes from datagram to
    // datagram, as a datagram that may be fragmented needs (RFC 6864): keepalived counts per instance, Linux picks
    // lbkit's from its per-destination generator
    for (int vrid : List.of(81, 82)) {
      List<String> h = headers.get(vrid);
      assertTrue(h.stream().allMatch(x -> x.contains("flags [none]")), "IPv4 flags of vrid " + vrid
          + " (81 keepalived, 82 lbkit), as tcpdump -v prints them:\n" + String.join("\n", h));
      List<Integer> ids = h.stream().map(x -> field(ID, x)).toList();
      for (int i = 1; i < ids.size(); i++) {
        assertNotEquals(ids.get(i - 1), ids.get(i), "IP identifications of vrid " + vrid + ": " + ids);
      }
    }
  }

  /*
   * tcpdump -v prints a datagram as its IP header in parentheses, then (on the same line for IPv6, indented on the
   * next for IPv4) the VRRP summary:
   *   IP (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 40)
   *       10.98.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 81, prio 150, authtype none, intvl 1s, length 20, ...
   *   IP6 (class 0xc0, hlim 255, next-header VRRP (112) payload length: 24) fe80::... > ff02::12: VRRPv3, ...
   */
  private static final Pattern DATAGRAM =
      Pattern.compile("^IP6? \\((.*)\\) (\\S+) > (\\S+): VRRPv\\d, Advertisement, vrid (\\d+), prio (\\d+)");
  private static final Pattern TTL = Pattern.compile("\\b(?:ttl|hlim) (\\d+)");
  private static final Pattern ID = Pattern.compile("\\bid (\\d+)");

  /**
   * The IP header fields (what tcpdump prints in parentheses) of every advertisement of non-zero priority other than
   * the lower-priority player's, by VRID.
   */
  private static Map<Integer, List<String>> headersByVrid(String verbose) {
    List<String> joined = new ArrayList<>();
    for (String line : verbose.split("\n")) {
      if (!line.isEmpty() && Character.isWhitespace(line.charAt(0)) && !joined.isEmpty()) {
        joined.set(joined.size() - 1, joined.get(joined.size() - 1) + " " + line.strip());
      } else {
        joined.add(line);
      }
    }
    Map<Integer, List<String>> out = new HashMap<>();
    for (String line : joined) {
      Matcher m = DATAGRAM.matcher(line);
      if (!m.find() || m.group(5).equals("100") || m.group(5).equals("0")) {
        continue;
      }
      out.computeIfAbsent(Integer.parseInt(m.group(4)), k -> new ArrayList<>()).add(m.group(1));
    }
    return out;
  }

  /** A number from tcpdump's header fields; fails the test if it is not there. */
  private static int field(Pattern p, String header) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      fail("no " + p + " in tcpdump's header fields: " + header);
    }
    return Integer.parseInt(m.group(1));
  }
}
