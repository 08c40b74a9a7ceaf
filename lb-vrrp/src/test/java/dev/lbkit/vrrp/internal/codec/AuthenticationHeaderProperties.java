package dev.lbkit.vrrp.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lbkit.vrrp.testkit.VrrpArbitraries;
import java.net.Inet4Address;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The receive side of keepalived's IPsec-AH mode never throws: any bytes open to a datagram or a Rejection, and any
 * opened datagram verifies or is rejected under any key. Sealed datagrams open and verify with their key only.
 */
final class AuthenticationHeaderProperties {

  @Property(tries = 2000)
  void anyBytes_openAndVerifyWithoutThrowing(@ForAll("headers") byte[] header, @ForAll("payloads") byte[] payload,
      @ForAll("keys") byte[] key, @ForAll boolean unicast, @ForAll boolean fixLength) {
    if (fixLength && header.length == 20) {
      int total = 20 + payload.length;
      header[2] = (byte) (total >>> 8);
      header[3] = (byte) total;
    }
    AuthenticationHeader.Parsed p = AuthenticationHeader.open(header, payload);
    if (p instanceof AuthenticationHeader.Parsed.Ok ok) {
      Decoded.Rejected r = ok.opened().verify(key, unicast);
      // random bytes carrying a valid HMAC-MD5-96 are out of reach: only a sealed datagram verifies
      assertNotNull(r);
      VrrpCodec.decode(ok.opened().source(), ok.opened().destination(), ok.opened().ttl(), ok.opened().message());
    }
  }

  @Property(tries = 1000)
  void mutatedSealedDatagram_isRejectedOrUnchangedWhereMutable(@ForAll("sealed") Case c, @ForAll int index,
      @ForAll byte value) {
    byte[] all = Arrays.copyOf(c.sealed.ipHeader(), 20 + c.sealed.payload().length);
    System.arraycopy(c.sealed.payload(), 0, all, 20, c.sealed.payload().length);
    int i = Math.floorMod(index, all.length);
    boolean changed = all[i] != value;
    all[i] = value;
    AuthenticationHeader.Parsed p = AuthenticationHeader.open(Arrays.copyOf(all, 20),
        Arrays.copyOfRange(all, 20, all.length));
    if (p instanceof AuthenticationHeader.Parsed.Ok ok) {
      Decoded.Rejected r = ok.opened().verify(c.key, c.unicast);
      boolean mutable = i == 1 || i == 6 || i == 7 || i == 10 || i == 11 || (c.unicast && i == 8);
      if (!changed || mutable) {
        assertNull(r, () -> "byte " + i + " is not covered but the datagram no longer verifies");
      } else {
        assertNotNull(r, () -> "byte " + i + " changed but the datagram still verifies");
      }
    }
  }

  @Property(tries = 500)
  void sealThenOpen_roundTrips(@ForAll("sealed") Case c, @ForAll("keys") byte[] otherKey) {
    AuthenticationHeader.Parsed p = AuthenticationHeader.open(c.sealed.ipHeader(), c.sealed.payload());
    AuthenticationHeader.Opened o = assertInstanceOf(AuthenticationHeader.Parsed.Ok.class, p).opened();
    assertNull(o.verify(c.key, c.unicast));
    assertEquals(c.sequence, o.sequence());
    assertArrayEquals(c.message, o.message());
    assertEquals(0, VrrpCodec.checksum(0, c.sealed.ipHeader()), "IPv4 header checksum");
    if (!Arrays.equals(otherKey, c.key)) {
      assertEquals(Rejection.AUTH_AH_ICV, o.verify(otherKey, c.unicast).rejection());
    }
  }

  /** A sealed datagram with what it was made of. */
  record Case(AuthenticationHeader.Sealed sealed, byte[] key, boolean unicast, long sequence, byte[] message) {}

  @Provide
  Arbitrary<Case> sealed() {
    return net.jqwik.api.Combinators.combine(VrrpArbitraries.packets().filter(p -> p.version() == 2)
            .map(p -> VrrpPacket.v2(p.vrid(), p.priority(), p.advertInterval(), VrrpPacket.AUTH_AH, new byte[8],
                p.addresses())),
        keys(), Arbitraries.of(true, false), Arbitraries.longs().between(1, 0xffffffffL),
        Arbitraries.integers().between(1, 0xffff), VrrpArbitraries.ipv4(), VrrpArbitraries.ipv4())
        .as((packet, key, unicast, seq, id, src, peer) -> {
          Inet4Address source = (Inet4Address) src;
          Inet4Address destination = (Inet4Address) (unicast ? peer : VrrpCodecTest.ip("224.0.0.18"));
          byte[] message = VrrpCodec.encode(packet, source, destination);
          return new Case(AuthenticationHeader.seal(source, destination, id, seq, unicast, key, message), key,
              unicast, seq, message);
        });
  }

  @Provide
  Arbitrary<byte[]> keys() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8).map(AuthenticationHeader::key);
  }

  @Provide
  Arbitrary<byte[]> headers() {
    return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
        // plausible headers reach the deeper checks: IPv4, protocol 51, a total length that may match
        Arbitraries.bytes().array(byte[].class).ofSize(20).map(h -> {
          h[0] = 0x45;
          h[9] = (byte) AuthenticationHeader.IPPROTO_AH;
          h[6] &= 0x40;
          h[7] = 0;
          return h;
        }));
  }

  @Provide
  Arbitrary<byte[]> payloads() {
    return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(80),
        Arbitraries.bytes().array(byte[].class).ofMinSize(32).ofMaxSize(72).map(p -> {
          p[0] = 112;
          p[1] = 4;
          p[24] = 0x21;
          return p;
        }));
  }
}
