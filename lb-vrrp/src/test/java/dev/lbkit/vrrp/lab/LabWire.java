package dev.lbkit.vrrp.lab;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lbkit.vrrp.testkit.Pcap.Frame;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a capture of the lab's bridge for the ITs that put keepalived and lbkit side by side on the wire: one router's
 * advertisements, gratuitous ARPs / unsolicited NAs and the lower priorities a {@link LabAdvertiser} sent it, each in
 * ms after the router's takeover; and tcpdump's own verbose reading of the file.
 */
public final class LabWire {
  private static final long MS = 1_000_000L;

  private LabWire() {}

  /** One router's messages in a window after its takeover (its first advertisement on the wire), in ms. */
  public record Router(String name, List<Long> announcements, List<Long> adverts, List<Long> lowerPriorities) {
    /**
     * The router in namespace {@code ns} (VRID and VIP as configured) in the frames, with the lower priorities the
     * advertiser in namespace {@code advertiserNs} sent for the VRID; fails if the router never advertised.
     */
    public static Router of(List<Frame> frames, String name, int ns, int vrid, InetAddress vip, int advertiserNs,
        long windowMs) {
      byte[] mac = mac(ns);
      byte[] advertiser = mac(advertiserNs);
      byte[] address = vip.getAddress();
      boolean v6 = address.length == 16;
      Long takeover = null;
      List<Long> announcements = new ArrayList<>();
      List<Long> adverts = new ArrayList<>();
      List<Long> lower = new ArrayList<>();
      for (Frame f : frames) {
        byte[] b = f.bytes();
        int vrrpAt = vrrpOffset(f);
        if (vrrpAt > 0 && (b[vrrpAt + 1] & 0xff) == vrid && (b[vrrpAt + 2] & 0xff) != 0) {
          if (Arrays.equals(f.sourceMac(), mac)) {
            takeover = takeover == null ? f.nanos() : takeover;
            adverts.add(f.nanos());
          } else if (Arrays.equals(f.sourceMac(), advertiser)) {
            lower.add(f.nanos());
          }
        } else if (Arrays.equals(f.sourceMac(), mac) && isAnnouncement(b, address, v6)) {
          announcements.add(f.nanos());
        }
      }
      if (takeover == null) {
        return fail("no advertisement of vrid " + vrid + " from namespace " + ns + " in the capture");
      }
      return new Router(name, window(announcements, takeover, windowMs), window(adverts, takeover, windowMs),
          window(lower, takeover, windowMs));
    }

    private static List<Long> window(List<Long> times, long takeover, long windowMs) {
      return times.stream().map(t -> (t - takeover) / MS).filter(t -> t >= 0 && t <= windowMs).toList();
    }

    @Override
    public String toString() {
      return name + ": announcements " + announcements + ", adverts " + adverts + ", lower priorities "
          + lowerPriorities;
    }
  }

  /** The routers, one a line, for a failure message. */
  public static String report(List<Router> routers) {
    StringBuilder b = new StringBuilder();
    for (Router r : routers) {
      b.append(r).append('\n');
    }
    return b.toString();
  }

  /** Fails unless {@code actual} has as many times as {@code expected}, each within {@code toleranceMs}. */
  public static void assertAbout(List<Long> expected, List<Long> actual, long toleranceMs, String what, String all) {
    boolean close = expected.size() == actual.size();
    for (int i = 0; close && i < expected.size(); i++) {
      close = Math.abs(expected.get(i) - actual.get(i)) <= toleranceMs;
    }
    if (!close) {
      fail(what + ": expected about " + expected + " (+-" + toleranceMs + " ms) but was " + actual + "\n" + all);
    }
  }

  /** Where the VRRP message starts in a plain IPv4 / IPv6 VRRP frame, else -1. */
  public static int vrrpOffset(Frame f) {
    byte[] b = f.bytes();
    if (f.etherType() == 0x0800 && b.length > 34 && (b[23] & 0xff) == 112) {
      return 14 + (b[14] & 0x0f) * 4;
    }
    if (f.etherType() == 0x86dd && b.length > 62 && (b[20] & 0xff) == 112) {
      return 54;
    }
    return -1;
  }

  /** A gratuitous ARP (sender = target = the VIP) or an unsolicited NA for the VIP. */
  private static boolean isAnnouncement(byte[] b, byte[] vip, boolean v6) {
    int etherType = b.length < 14 ? -1 : ((b[12] & 0xff) << 8) | (b[13] & 0xff);
    if (!v6) {
      return etherType == 0x0806 && b.length >= 42 && Arrays.equals(Arrays.copyOfRange(b, 28, 32), vip)
          && Arrays.equals(Arrays.copyOfRange(b, 38, 42), vip);
    }
    return etherType == 0x86dd && b.length >= 78 && (b[20] & 0xff) == 58 && (b[54] & 0xff) == 136
        && Arrays.equals(Arrays.copyOfRange(b, 62, 78), vip);
  }

  /** The lab's MAC address of namespace i (vrrp-lab's up). */
  public static byte[] mac(int i) {
    return new byte[] {2, (byte) 0x98, 0, 0, 0, (byte) i};
  }

  /** tcpdump's own reading of the capture: {@code tcpdump -r FILE -n -t -v FILTER}. */
  public static String tcpdumpVerbose(Path pcap, String filter) throws IOException {
    Process p = new ProcessBuilder("tcpdump", "-r", pcap.toString(), "-n", "-t", "-v", filter)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("tcpdump -r did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out;
  }
}
