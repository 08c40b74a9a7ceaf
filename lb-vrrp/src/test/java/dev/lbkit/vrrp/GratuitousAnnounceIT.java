package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import dev.lbkit.vrrp.testkit.Pcap;
import dev.lbkit.vrrp.testkit.Pcap.Frame;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * What a takeover puts on the wire, captured on the lab's bridge: with keepalived's defaults (garp_master_repeat 5,
 * garp_master_delay 5 s, no refresh) a new Master sends a burst of 5 gratuitous ARPs for its IPv4 VIP (sender and
 * target address the VIP, broadcast) and 5 unsolicited neighbour advertisements for its IPv6 VIP (to ff02::1, target
 * the VIP, override flag set, hop limit 255), and the same burst again 5 s later, then nothing more. Needs root
 * (.ci/install).
 */
@Isolated // VRRP timing: never beside the kernel-lab VMs (pom.xml)
final class GratuitousAnnounceIT {
  private static final String VIP4 = "10.98.0.120";
  private static final String VIP6 = "2001:db8:98::120";
  private static final long S = 1_000_000_000L;
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbga", 1);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void takeover_sendsTwoBurstsOfFive_garpForIpv4_unsolicitedNaForIpv6() throws IOException {
    Path pcap = Files.createTempFile("lbkit-garp", ".pcap");
    Process capture = lab.capture(pcap, "arp or (icmp6 and ip6[40] == 136)");
    Node v4 = lab.node(1, "vrid=61", "priority=150", "version=3", "advert=100", "vip=" + VIP4 + "/24");
    Node v6 = lab.node(1, "vrid=62", "priority=150", "version=3", "advert=100", "vip=" + VIP6 + "/64");
    v4.awaitState("MASTER", 3_000);
    v6.awaitState("MASTER", 3_000);
    // past the second burst (5 s after the takeover) with a margin for a refresh that must not come
    Lab.sleepMs(7_500);
    Lab.stopCapture(capture);
    assertEquals(0, v4.terminate());
    assertEquals(0, v6.terminate());
    List<Frame> frames = Pcap.timedFrames(pcap);
    Lab.deleteCapture(pcap);

    byte[] vip4 = InetAddress.getByName(VIP4).getAddress();
    List<Long> garps = new ArrayList<>();
    for (Frame f : frames) {
      byte[] b = f.bytes();
      if (etherType(b) == 0x0806 && Arrays.equals(Arrays.copyOfRange(b, 28, 32), vip4)) {
        assertArrayEquals(vip4, Arrays.copyOfRange(b, 38, 42), "gratuitous: target address is the VIP too");
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1}, Arrays.copyOfRange(b, 0, 6), "broadcast");
        assertArrayEquals(Arrays.copyOfRange(b, 6, 12), Arrays.copyOfRange(b, 22, 28), "sender MAC is the source");
        garps.add(f.nanos());
      }
    }
    assertBursts("gratuitous ARPs for " + VIP4, garps);

    byte[] vip6 = InetAddress.getByName(VIP6).getAddress();
    byte[] allNodes = InetAddress.getByName("ff02::1").getAddress();
    List<Long> nas = new ArrayList<>();
    for (Frame f : frames) {
      byte[] b = f.bytes();
      if (etherType(b) == 0x86dd && (b[20] & 0xff) == 58 && (b[54] & 0xff) == 136
          && Arrays.equals(Arrays.copyOfRange(b, 62, 78), vip6)) {
        assertEquals(255, b[21] & 0xff, "hop limit");
        assertArrayEquals(allNodes, Arrays.copyOfRange(b, 38, 54), "to all nodes");
        assertTrue((b[58] & 0x20) != 0, "override flag");
        assertTrue((b[58] & 0x40) == 0, "unsolicited: not solicited");
        nas.add(f.nanos());
      }
    }
    assertBursts("unsolicited neighbour advertisements for " + VIP6, nas);
  }

  /** Five at the takeover, five again 5 s later (within the lab's scheduling slack), nothing else. */
  private static void assertBursts(String what, List<Long> at) {
    List<Long> rel = at.stream().map(t -> (t - at.get(0)) / 1_000_000).toList();
    assertEquals(10, at.size(), what + " at ms " + rel);
    for (int i = 0; i < 5; i++) {
      assertTrue(at.get(i) - at.get(0) < S / 2, what + ": first burst at ms " + rel);
      long second = at.get(5 + i) - at.get(0);
      assertTrue(second > 4 * S + S / 2 && second < 5 * S + S / 2 + S / 2, what + ": second burst at ms " + rel);
    }
  }

  private static int etherType(byte[] frame) {
    return frame.length < 14 ? -1 : ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
  }
}
