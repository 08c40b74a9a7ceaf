package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code IpvsadmFormat.Order} (the index sort the listings use) puts services and destinations in the order of a
 * plain, object-per-element rendering of what ipvsadm does: libipvs's comparators (signed differences: services by
 * mark, family and protocol first; then the host-order address words, the left element's family choosing how many;
 * then the port) under glibc's top-down merge sort. Addresses are drawn so that the differences overflow, repeat,
 * and mix families, where any other sort would disagree; one order object serves every list in turn, as in a
 * listing.
 */
final class IpvsadmOrderProperties {
  private final IpvsadmFormat.Order order = new IpvsadmFormat.Order(false);

  @Property(tries = 400)
  void sortsAsIpvsadm(@ForAll("tables") List<List<IpvsDestination>> lists) {
    for (List<IpvsDestination> dests : lists) {
      order.sortDestinations(dests);
      List<IpvsDestination> got = new ArrayList<>();
      StringBuilder printed = new StringBuilder();
      for (int k = 0; k < dests.size(); k++) {
        int i = order.index(k);
        got.add(dests.get(i));
        order.appendEndpoint(printed, i, dests.get(i).server().endpoint()).append('\n');
      }
      List<IpvsDestination> want = msort(dests, IpvsadmOrderProperties::compare);
      assertEquals(want, got);
      StringBuilder expected = new StringBuilder();
      for (IpvsDestination d : want) {
        IpvsadmFormat.appendEndpoint(expected, d.server().endpoint()).append('\n');
      }
      assertEquals(expected.toString(), printed.toString());
    }
  }

  @Property(tries = 300)
  void sortsServicesAsIpvsadm(@ForAll("services") List<IpvsService> services) {
    List<IpvsadmFormat.Entry> table = new ArrayList<>();
    for (IpvsService s : services) {
      table.add(new IpvsadmFormat.Entry(s, List.of()));
    }
    List<IpvsService> got = new ArrayList<>();
    for (IpvsadmFormat.Entry e : IpvsadmFormat.sortServices(table)) {
      got.add(e.service());
    }
    assertEquals(msort(services, (x, y) -> compareServices(x.service().key(), y.service().key())), got);
  }

  @Provide
  Arbitrary<List<IpvsService>> services() {
    Arbitrary<ServiceKey> address = Combinators.combine(Arbitraries.of(Protocol.class), destination())
        .as((p, d) -> ServiceKey.of(p, d.server().endpoint().port() == 0
            ? new Endpoint(d.server().endpoint().address(), 1) : d.server().endpoint()));
    Arbitrary<ServiceKey> mark = Combinators.combine(Arbitraries.of(1L, 2L, 0x7fffffffL, 0x80000000L, 0xffffffffL),
        Arbitraries.of(AddressFamily.class)).as(ServiceKey.FirewallMark::new);
    return Arbitraries.oneOf(address, mark).map(k -> new IpvsService(VirtualService.builder(k).build(),
        IpvsStats.ZERO)).list().ofMaxSize(40);
  }

  /** glibc's msort (top-down halves, the left element first on ties), one list copy per merge. */
  private static <T> List<T> msort(List<T> in, Comparator<? super T> order) {
    if (in.size() <= 1) {
      return new ArrayList<>(in);
    }
    int n1 = in.size() / 2;
    List<T> left = msort(in.subList(0, n1), order);
    List<T> right = msort(in.subList(n1, in.size()), order);
    List<T> out = new ArrayList<>(in.size());
    int i = 0;
    int j = 0;
    while (i < left.size() && j < right.size()) {
      if (order.compare(left.get(i), right.get(j)) <= 0) {
        out.add(left.get(i++));
      } else {
        out.add(right.get(j++));
      }
    }
    out.addAll(left.subList(i, left.size()));
    out.addAll(right.subList(j, right.size()));
    return out;
  }

  /** libipvs: fwmark, then family, protocol, address words (as many as the family has) and port, each a
   * signed difference of 32-bit values. */
  private static int compareServices(ServiceKey x, ServiceKey y) {
    int r = mark(x) - mark(y);
    if (r == 0) {
      r = x.family().linuxValue() - y.family().linuxValue();
    }
    if (r == 0) {
      r = protocol(x) - protocol(y);
    }
    if (r != 0) {
      return r;
    }
    byte[] a = address(x);
    byte[] b = address(y);
    int words = x.family() == AddressFamily.IPV6 ? 4 : 1;
    for (int w = 0; w < words; w++) {
      r = word(a, w) - word(b, w);
      if (r != 0) {
        return r;
      }
    }
    return port(x) - port(y);
  }

  private static int mark(ServiceKey k) {
    return k instanceof ServiceKey.FirewallMark f ? (int) f.mark() : 0;
  }

  private static int protocol(ServiceKey k) {
    return k instanceof ServiceKey.Address a ? a.protocol().ipProtocolNumber() : 0;
  }

  private static byte[] address(ServiceKey k) {
    return k instanceof ServiceKey.Address a ? a.endpoint().address().getAddress() : new byte[4];
  }

  private static int port(ServiceKey k) {
    return k instanceof ServiceKey.Address a ? a.endpoint().port() : 0;
  }

  @Provide
  Arbitrary<List<List<IpvsDestination>>> tables() {
    return destination().list().ofMaxSize(40).list().ofMinSize(1).ofMaxSize(6);
  }

  private static Arbitrary<IpvsDestination> destination() {
    // few distinct bytes and ports, so that ties, overflowing differences, and an IPv4 address equal to an IPv6
    // address's first word all occur
    Arbitrary<Integer> octet = Arbitraries.of(0, 1, 10, 127, 128, 192, 200, 255);
    Arbitrary<Integer> small = Arbitraries.integers().between(0, 3);
    Arbitrary<byte[]> v4 = Combinators.combine(octet, octet, small)
        .as((a, b, c) -> new byte[] {(byte) (int) a, (byte) (int) b, 0, (byte) (int) c});
    Arbitrary<byte[]> v6 = Combinators.combine(v4, octet, small, small).as((first, b, c, d) -> {
      byte[] x = new byte[16];
      System.arraycopy(first, 0, x, 0, 4);
      x[4] = (byte) (int) b;
      x[8] = (byte) (int) c;
      x[15] = (byte) (int) d;
      return x;
    });
    Arbitrary<Integer> port = Arbitraries.of(0, 1, 80, 8080, 65535);
    return Combinators.combine(Arbitraries.oneOf(v4, v6), port).as((raw, p) -> {
      try {
        Endpoint e = new Endpoint(InetAddress.getByAddress(raw), p);
        return new IpvsDestination(RealServer.builder(e).build(), 0, 0, 0, IpvsStats.ZERO);
      } catch (UnknownHostException ex) {
        throw new AssertionError(ex);
      }
    });
  }

  /** libipvs: {@code ntohl(a) - ntohl(b)} per 32-bit word into an int (IPv6: up to four words), then the port. */
  private static int compare(IpvsDestination x, IpvsDestination y) {
    byte[] a = x.server().endpoint().address().getAddress();
    byte[] b = y.server().endpoint().address().getAddress();
    int words = a.length == 16 ? 4 : 1;
    for (int w = 0; w < words; w++) {
      int r = word(a, w) - word(b, w);
      if (r != 0) {
        return r;
      }
    }
    return x.server().endpoint().port() - y.server().endpoint().port();
  }

  /** Word {@code w} of an address, host order; an IPv4 address has words 1-3 zero. */
  private static int word(byte[] raw, int w) {
    int at = 4 * w;
    if (at + 4 > raw.length) {
      return 0;
    }
    return (raw[at] & 0xff) << 24 | (raw[at + 1] & 0xff) << 16 | (raw[at + 2] & 0xff) << 8 | (raw[at + 3] & 0xff);
  }
}
