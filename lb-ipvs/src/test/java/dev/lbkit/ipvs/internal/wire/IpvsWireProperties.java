package dev.lbkit.ipvs.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.TunnelType;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsTimeouts;
import dev.lbkit.ipvs.SyncDaemon;
import dev.lbkit.ipvs.internal.netlink.MalformedMessageException;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Encode then decode gives the value back; any bytes decode to a value or a MalformedMessageException. */
final class IpvsWireProperties {
  private static final IpvsRequests REQ = new IpvsRequests(0x20);

  @Provide
  Arbitrary<InetAddress> addresses() {
    Arbitrary<byte[]> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4);
    Arbitrary<byte[]> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16).filter(b -> b[0] != 0);
    return Arbitraries.oneOf(v4, v6).map(b -> {
      try {
        return Endpoint.normalize(InetAddress.getByAddress(b));
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Provide
  Arbitrary<VirtualService> services() {
    Arbitrary<ServiceKey> keys = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of(Protocol.class), addresses(), Arbitraries.integers().between(1, 65535))
            .as((p, a, port) -> ServiceKey.of(p, new Endpoint(a, port))),
        Combinators.combine(Arbitraries.longs().between(1, 0xFFFF_FFFFL), Arbitraries.of(AddressFamily.class))
            .as(ServiceKey.FirewallMark::new));
    return Combinators.combine(keys, Arbitraries.of("rr", "wrr", "sh", "mh", "wlc", "lblcr"),
        Arbitraries.subsetOf(SchedulerFlag.values()), Arbitraries.integers().between(0, 31 * 86400),
        Arbitraries.integers().between(0, 128), Arbitraries.of(true, false), Arbitraries.of("", "sip"))
        .as((key, sched, flags, timeout, prefix, ops, pe) -> {
          try {
            VirtualService.Builder b = VirtualService.builder(key).scheduler(sched).onePacket(ops);
            flags.forEach(b::schedulerFlag);
            if (timeout > 0) {
              b.persistence(prefix >= key.family().bits() ? Persistence.of(Duration.ofSeconds(timeout))
                  : Persistence.of(Duration.ofSeconds(timeout), prefix));
              if (!pe.isEmpty()) {
                b.persistenceEngine(pe);
              }
            }
            return b.build();
          } catch (IllegalArgumentException e) {
            return null; // a combination the model refuses
          }
        }).filter(s -> s != null && distinctFlagBits(s));
  }

  // sh-fallback and flag-1 are one bit: a service carrying both cannot come back as it went
  private static boolean distinctFlagBits(VirtualService s) {
    return s.schedulerFlags().stream().mapToInt(SchedulerFlag::kernelBit).distinct().count()
        == s.schedulerFlags().size()
        && s.schedulerFlags().stream().allMatch(f -> f.scheduler().isPresent() || !List.of("sh", "mh")
        .contains(s.scheduler()));
  }

  @Provide
  Arbitrary<RealServer> servers() {
    return Combinators.combine(addresses(), Arbitraries.integers().between(0, 65535),
        Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.of(ForwardingMethod.MASQUERADE,
            ForwardingMethod.DIRECT_ROUTE, ForwardingMethod.TUNNEL, ForwardingMethod.LOCAL),
        Arbitraries.integers().between(0, 100_000), Arbitraries.of(TunnelType.class),
        Arbitraries.integers().between(1, 65535), Arbitraries.of(Tunnel.Checksum.class))
        .as((a, port, weight, fwd, upper, type, tport, csum) -> {
          RealServer.Builder b = RealServer.builder(new Endpoint(a, port)).weight(weight).forwarding(fwd)
              .upperThreshold(upper).lowerThreshold(upper / 2);
          if (fwd == ForwardingMethod.TUNNEL) {
            b.tunnel(new Tunnel(type, type == TunnelType.GUE ? tport : 0,
                type == TunnelType.IPIP ? Tunnel.Checksum.NONE : csum));
          }
          return b.build();
        });
  }

  @Property(tries = 300)
  void service_roundTrips(@ForAll("services") VirtualService s) throws Exception {
    NetlinkMessage m = NetlinkMessage.parseAll(ByteBuffer.wrap(REQ.newService(s).toByteArray())).get(0);
    assertEquals(s, IpvsReplies.service(m).service());
  }

  @Property(tries = 300)
  void destination_roundTrips(@ForAll("servers") RealServer rs) throws Exception {
    ServiceKey key = ServiceKey.firewallMark(7);
    NetlinkMessage m = NetlinkMessage.parseAll(ByteBuffer.wrap(REQ.newDest(key, rs).toByteArray())).get(0);
    assertEquals(rs, IpvsReplies.destination(m, AddressFamily.IPV4).server());
  }

  /** A sync daemon as the kernel may list it: either role, any group of either family or none. */
  @Provide
  Arbitrary<SyncDaemon> daemons() {
    Arbitrary<Optional<InetAddress>> groups = Arbitraries.of(Optional.<InetAddress>empty(),
        Optional.of(Endpoint.parse("239.1.2.3:0").address()), Optional.of(Endpoint.parse("[ff02::7]:0").address()));
    return Combinators.combine(Arbitraries.of(SyncDaemon.Role.class), Arbitraries.of("eth0", "bond0.100", "x"),
        Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 65535), groups,
        Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 255))
        .as(SyncDaemon::new);
  }

  /**
   * The other answers lbkit decodes (destinations, sync daemons, timeouts), a byte changed or the end cut off: a
   * value or a MalformedMessageException, never another exception.
   */
  @Property(tries = 1000)
  void anyBytesOfOtherAnswers_decodeOrAreMalformed(@ForAll("servers") RealServer rs, @ForAll("daemons") SyncDaemon d,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = Integer.MAX_VALUE) int tcpTimeout,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 2) int kind, @ForAll int position,
      @ForAll byte value, @ForAll boolean truncate) {
    byte[] bytes = (kind == 0 ? REQ.newDest(ServiceKey.firewallMark(7), rs)
        : kind == 1 ? REQ.newDaemon(d) : REQ.setConfig(IpvsTimeouts.ofSeconds(tcpTimeout, 120, 300))).toByteArray();
    byte[] mutated = mutated(bytes, position, value, truncate);
    try {
      for (NetlinkMessage m : NetlinkMessage.parseAll(ByteBuffer.wrap(mutated))) {
        if (kind == 0) {
          IpvsReplies.destination(m, AddressFamily.IPV4);
          IpvsReplies.destination(m, AddressFamily.IPV6);
        } else if (kind == 1) {
          IpvsReplies.daemon(m);
        } else {
          IpvsReplies.timeouts(m);
        }
      }
    } catch (MalformedMessageException expected) {
      // a named refusal is the only acceptable failure
    }
  }

  @Property(tries = 1000)
  void anyBytes_decodeOrAreMalformed(@ForAll("services") VirtualService s, @ForAll int position, @ForAll byte value,
      @ForAll boolean truncate) {
    byte[] bytes = REQ.newService(s).toByteArray();
    byte[] mutated = mutated(bytes, position, value, truncate);
    try {
      for (NetlinkMessage m : NetlinkMessage.parseAll(ByteBuffer.wrap(mutated))) {
        IpvsReplies.service(m);
      }
    } catch (MalformedMessageException expected) {
      // a named refusal is the only acceptable failure
    }
  }

  /** {@code bytes} cut at {@code position} or with the byte there set to {@code value}; never empty. */
  private static byte[] mutated(byte[] bytes, int position, byte value, boolean truncate) {
    int at = Math.floorMod(position, bytes.length);
    byte[] out = truncate ? java.util.Arrays.copyOf(bytes, at) : bytes.clone();
    if (!truncate) {
      out[at] = value;
    }
    Assume.that(out.length > 0);
    return out;
  }
}
