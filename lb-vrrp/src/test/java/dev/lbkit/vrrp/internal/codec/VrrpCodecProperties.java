package dev.lbkit.vrrp.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lbkit.vrrp.testkit.VrrpArbitraries;
import java.net.InetAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Round trips, and any bytes at all decode to a packet or a Rejection, never an exception. */
final class VrrpCodecProperties {

  @Property(tries = 2000)
  void anyBytes_decodeWithoutThrowing(@ForAll("payloads") byte[] payload, @ForAll("ttls") int ttl,
      @ForAll boolean ipv6) {
    InetAddress src = ipv6 ? VrrpCodecTest.ip("fe80::1") : VrrpCodecTest.ip("10.0.0.1");
    InetAddress dst = ipv6 ? VrrpCodecTest.ip("ff02::12") : VrrpCodecTest.ip("224.0.0.18");
    Decoded d = VrrpCodec.decode(src, dst, ttl, payload);
    if (d instanceof Decoded.Accepted a) {
      // whatever was accepted must encode back to the same bytes
      assertArrayEquals(payload, VrrpCodec.encode(a.packet(), src, dst));
    }
  }

  @Property(tries = 2000)
  void mutatedValidPacket_decodesWithoutThrowing(@ForAll("packets") VrrpPacket p, @ForAll int index,
      @ForAll byte value) {
    InetAddress src = VrrpArbitraries.sourceFor(p);
    InetAddress dst = VrrpArbitraries.groupFor(p);
    byte[] bytes = VrrpCodec.encode(p, src, dst);
    bytes[Math.floorMod(index, bytes.length)] = value;
    VrrpCodec.decode(src, dst, 255, bytes);
  }

  @Property(tries = 1000)
  void mutatedValidPacket_withItsChecksumFixed_decodesWithoutThrowing(@ForAll("packets") VrrpPacket p,
      @ForAll int index, @ForAll byte value) {
    // a random change almost always breaks the checksum, which hides every later check: mend it
    InetAddress src = VrrpArbitraries.sourceFor(p);
    InetAddress dst = VrrpArbitraries.groupFor(p);
    byte[] bytes = VrrpCodec.encode(p, src, dst);
    bytes[Math.floorMod(index, bytes.length)] = value;
    withChecksum(bytes, src, dst);
    VrrpCodec.decode(src, dst, 255, bytes);
  }

  /** Stores the checksum the bytes' version field calls for: v2 over the message, else with the pseudo-header. */
  static void withChecksum(byte[] b, InetAddress src, InetAddress dst) {
    b[6] = 0;
    b[7] = 0;
    byte[] summed = b;
    if ((b[0] & 0xf0) != 0x20) {
      byte[] s = src.getAddress();
      byte[] d = dst.getAddress();
      int n = b.length;
      byte[] tail = s.length == 4 ? new byte[] {0, (byte) VrrpCodec.IPPROTO_VRRP, (byte) (n >>> 8), (byte) n}
          : new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n, 0, 0, 0,
              (byte) VrrpCodec.IPPROTO_VRRP};
      summed = new byte[s.length + d.length + tail.length + n];
      System.arraycopy(s, 0, summed, 0, s.length);
      System.arraycopy(d, 0, summed, s.length, d.length);
      System.arraycopy(tail, 0, summed, s.length + d.length, tail.length);
      System.arraycopy(b, 0, summed, s.length + d.length + tail.length, n);
    }
    int sum = VrrpCodec.checksum(0, summed);
    b[6] = (byte) (sum >>> 8);
    b[7] = (byte) sum;
  }

  @Property(tries = 1000)
  void encodeThenDecode_roundTrips(@ForAll("packets") VrrpPacket p) {
    InetAddress src = VrrpArbitraries.sourceFor(p);
    InetAddress dst = VrrpArbitraries.groupFor(p);
    Decoded d = VrrpCodec.decode(src, dst, 255, VrrpCodec.encode(p, src, dst));
    assertEquals(p, assertInstanceOf(Decoded.Accepted.class, d, () -> "rejected " + d).packet());
  }

  @Provide
  Arbitrary<byte[]> payloads() {
    return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(80),
        // valid-looking headers make the deeper checks reachable
        Arbitraries.bytes().array(byte[].class).ofMinSize(8).ofMaxSize(60).map(b -> {
          b[0] = (byte) ((b[0] & 1) == 0 ? 0x21 : 0x31);
          b[3] = (byte) (1 + ((b[3] & 0xff) % 3));
          return b;
        }));
  }

  @Provide
  Arbitrary<Integer> ttls() {
    return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just(255)),
        Tuple.of(1, Arbitraries.integers().between(0, 255)));
  }

  @Provide
  Arbitrary<VrrpPacket> packets() {
    return VrrpArbitraries.packets();
  }
}
