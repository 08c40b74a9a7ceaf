package dev.lbkit.vrrp.internal.codec;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * keepalived's IPsec-AH authentication for VRRPv2 over IPv4 ({@code auth_type AH}): seals an encoded VRRP message
 * into an IPv4 datagram of protocol 51 and opens a received one. Stateless and thread-safe; the sequence number and
 * IP identification counters belong to the instance that sends (see the engine).
 *
 * <pre>
 * IPv4 header, 20 bytes, protocol 51 (TOS 0xc0, TTL 255, no options, fragment offset and flags 0)
 * AH header, RFC 2402 2, 24 bytes:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Header 112 | Payload Len 4 |          RESERVED 0          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Security Parameters Index = the sender's IPv4 address |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Sequence Number, from 1, one per advertisement      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Integrity Check Value: HMAC-MD5-96, 12 bytes              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * VRRPv2 message (auth type 2, zero auth data), as {@link VrrpCodec} encodes it
 * </pre>
 *
 * <p>The ICV is HMAC-MD5 (RFC 2104) keyed with the 8 bytes of {@code auth_pass} (zero-padded), over the whole
 * datagram with the fields that may change in transit zeroed (RFC 2402 3.3.3.1.1): TOS, fragment flags and offset,
 * the header checksum, the ICV itself, and, with unicast peers only, the TTL (keepalived zeroes it then, not for
 * multicast); the first 12 bytes of the digest are kept. The IP identification is covered, which is why the sender
 * builds the IP header itself. Every fact here was checked against keepalived 2.2.7's packets
 * ({@code keepalived-vrrpv2-ah-*.pcap}), source of truth its {@code vrrp_update_pkt} and {@code vrrp_in_chk_ipsecah}.
 */
public final class AuthenticationHeader {
  /** IANA protocol number of the IP Authentication Header. */
  public static final int IPPROTO_AH = 51;
  /** Length of the IPv4 header this mode sends (no options). */
  public static final int IPV4_HEADER_LENGTH = 20;
  /** Length of the authentication header with its 96-bit ICV. */
  public static final int LENGTH = 24;
  /** RFC 2402 2.2: the AH length in 32-bit words, minus 2. */
  static final int PAYLOAD_LENGTH_FIELD = 4;
  /** HMAC-MD5-96: bytes of the digest kept. */
  static final int ICV_LENGTH = 12;
  private static final int ICV_OFFSET = 12;
  /** The key: {@code auth_pass} padded with zeros, as keepalived keeps it. */
  public static final int KEY_LENGTH = 8;
  /** keepalived's TOS for VRRP: internetwork control. */
  static final int TOS = 0xc0;

  private AuthenticationHeader() {}

  /** A sealed datagram: the IPv4 header and its payload (the AH header followed by the VRRP message). */
  public record Sealed(byte[] ipHeader, byte[] payload) {}

  /**
   * Seals a VRRP message.
   *
   * @param source the IPv4 source, also the SPI
   * @param destination 224.0.0.18 or a unicast peer
   * @param ipId the IP identification, 1..65535 (0 would let the kernel pick one after the ICV was computed)
   * @param sequence the AH sequence number, 1..2^32-1
   * @param unicast whether the instance has unicast peers (the TTL is then left out of the ICV)
   * @param key the 8-byte key ({@link #key})
   * @param message the encoded VRRPv2 message
   * @throws IllegalArgumentException for a value out of range
   */
  public static Sealed seal(Inet4Address source, Inet4Address destination, int ipId, long sequence, boolean unicast,
      byte[] key, byte[] message) {
    if (ipId < 1 || ipId > 0xffff) {
      throw new IllegalArgumentException("IP identification must be in [1, 65535] but was " + ipId);
    }
    if (sequence < 1 || sequence > 0xffffffffL) {
      throw new IllegalArgumentException("AH sequence number must be in [1, 2^32-1] but was " + sequence);
    }
    checkKey(key);
    int total = IPV4_HEADER_LENGTH + LENGTH + message.length;
    byte[] header = new byte[IPV4_HEADER_LENGTH];
    header[0] = 0x45;
    header[1] = (byte) TOS;
    putShort(header, 2, total);
    putShort(header, 4, ipId);
    header[8] = (byte) VrrpCodec.REQUIRED_TTL;
    header[9] = (byte) IPPROTO_AH;
    System.arraycopy(source.getAddress(), 0, header, 12, 4);
    System.arraycopy(destination.getAddress(), 0, header, 16, 4);
    byte[] payload = new byte[LENGTH + message.length];
    payload[0] = (byte) VrrpCodec.IPPROTO_VRRP;
    payload[1] = (byte) PAYLOAD_LENGTH_FIELD;
    System.arraycopy(source.getAddress(), 0, payload, 4, 4);
    putInt(payload, 8, sequence);
    System.arraycopy(message, 0, payload, LENGTH, message.length);
    byte[] icv = icv(header, payload, unicast, key);
    System.arraycopy(icv, 0, payload, ICV_OFFSET, ICV_LENGTH);
    int sum = VrrpCodec.checksum(0, header);
    putShort(header, 10, sum);
    return new Sealed(header, payload);
  }

  /**
   * A received datagram of protocol 51 whose layout is sound, not yet authenticated: {@link #verify} with the
   * instance's key first.
   *
   * @param spi the Security Parameters Index as an unsigned value
   * @param sequence the sequence number as an unsigned value
   * @param message the VRRP message after the AH header
   */
  public record Opened(byte[] ipHeader, byte[] payload, long spi, long sequence, byte[] message) {
    /** The VRID the VRRP message names, or -1 if it is too short to name one. */
    public int vrid() {
      return message.length > 1 ? message[1] & 0xff : -1;
    }

    /**
     * RFC 2402 3.4.4 and keepalived: the ICV must verify with the key (else wrong password, or the packet changed),
     * then the SPI must be the sender's address.
     *
     * @return why the datagram must be dropped, or null when it is authentic
     */
    public Decoded.Rejected verify(byte[] key, boolean unicast) {
      checkKey(key);
      byte[] expected = icv(ipHeader, payload, unicast, key);
      byte[] received = Arrays.copyOfRange(payload, ICV_OFFSET, ICV_OFFSET + ICV_LENGTH);
      // constant time, as keepalived compares it
      if (!MessageDigest.isEqual(expected, received)) {
        return new Decoded.Rejected(Rejection.AUTH_AH_ICV, "ICV " + hex(received) + ", expected " + hex(expected));
      }
      long source = ((ipHeader[12] & 0xffL) << 24) | ((ipHeader[13] & 0xff) << 16) | ((ipHeader[14] & 0xff) << 8)
          | (ipHeader[15] & 0xff);
      if (spi != source) {
        return new Decoded.Rejected(Rejection.AUTH_AH_SPI, String.format(Locale.ROOT,
            "SPI 0x%08x, sender 0x%08x", spi, source));
      }
      return null;
    }

    /** The IPv4 source. */
    public InetAddress source() {
      return address(ipHeader, 12);
    }

    /** The IPv4 destination. */
    public InetAddress destination() {
      return address(ipHeader, 16);
    }

    /** The IPv4 TTL. */
    public int ttl() {
      return ipHeader[8] & 0xff;
    }
  }

  /** The outcome of {@link #open}: an {@link Opened} datagram or why it was dropped. */
  public sealed interface Parsed permits Parsed.Ok, Parsed.Bad {
    /** A datagram with a sound layout. */
    record Ok(Opened opened) implements Parsed {}

    /** A datagram dropped for its layout. */
    record Bad(Decoded.Rejected rejected) implements Parsed {}
  }

  /**
   * Checks the layout of a received protocol-51 datagram and takes it apart. Never throws on any input bytes.
   *
   * @param ipHeader the IPv4 header as received (with options, if any)
   * @param payload what follows it
   */
  public static Parsed open(byte[] ipHeader, byte[] payload) {
    if (ipHeader.length < IPV4_HEADER_LENGTH || (ipHeader[0] & 0xf0) != 0x40
        || (ipHeader[0] & 0x0f) * 4 != ipHeader.length) {
      return bad(Rejection.AH_FORMAT, "not an IPv4 header of " + ipHeader.length + " bytes");
    }
    if ((ipHeader[9] & 0xff) != IPPROTO_AH) {
      return bad(Rejection.AH_FORMAT, "IP protocol " + (ipHeader[9] & 0xff) + ", expected 51");
    }
    int total = ((ipHeader[2] & 0xff) << 8) | (ipHeader[3] & 0xff);
    if (total != ipHeader.length + payload.length) {
      return bad(Rejection.LENGTH, "IP total length " + total + " but " + (ipHeader.length + payload.length)
          + " bytes received");
    }
    // keepalived sends no fragments and none can be authenticated in pieces
    if ((((ipHeader[6] & 0x1f) << 8) | (ipHeader[7] & 0xff)) != 0 || (ipHeader[6] & 0x20) != 0) {
      return bad(Rejection.AH_FORMAT, "fragment");
    }
    if (payload.length < LENGTH + VrrpCodec.HEADER_LENGTH) {
      return bad(Rejection.TOO_SHORT, payload.length + " bytes after the IP header");
    }
    // RFC 2402 2.1: the next header must be VRRP; any other AH traffic is not ours
    if ((payload[0] & 0xff) != VrrpCodec.IPPROTO_VRRP) {
      return bad(Rejection.AH_FORMAT, "next header " + (payload[0] & 0xff) + ", expected 112");
    }
    // RFC 2402 2.2: 24 bytes = 6 words, field = 6 - 2
    if ((payload[1] & 0xff) != PAYLOAD_LENGTH_FIELD) {
      return bad(Rejection.AH_FORMAT, "AH payload length " + (payload[1] & 0xff) + ", expected 4 (HMAC-MD5-96)");
    }
    long spi = getInt(payload, 4);
    long sequence = getInt(payload, 8);
    return new Parsed.Ok(new Opened(ipHeader.clone(), payload.clone(), spi, sequence,
        Arrays.copyOfRange(payload, LENGTH, payload.length)));
  }

  /** The 8-byte key for a password of 1 to 8 bytes: the password padded with zeros. */
  public static byte[] key(byte[] password) {
    if (password.length < 1 || password.length > KEY_LENGTH) {
      throw new IllegalArgumentException("AH password must be 1 to 8 bytes but was " + password.length);
    }
    return Arrays.copyOf(password, KEY_LENGTH);
  }

  /**
   * Fails now rather than on the first datagram when this JVM has no HMAC-MD5 (a FIPS-restricted provider set).
   *
   * @throws IllegalStateException naming what is missing
   */
  public static void requireHmacMd5() {
    mac(new byte[KEY_LENGTH]);
  }

  /** HMAC-MD5-96 over the datagram with its mutable fields and the ICV zeroed. */
  static byte[] icv(byte[] ipHeader, byte[] payload, boolean unicast, byte[] key) {
    byte[] h = ipHeader.clone();
    h[1] = 0; // TOS
    h[6] = 0; // flags and fragment offset
    h[7] = 0;
    h[10] = 0; // header checksum
    h[11] = 0;
    if (unicast) {
      h[8] = 0; // TTL: keepalived leaves it out with unicast peers only
    }
    Mac mac = mac(key);
    mac.update(h);
    mac.update(payload, 0, ICV_OFFSET);
    mac.update(new byte[ICV_LENGTH]);
    mac.update(payload, ICV_OFFSET + ICV_LENGTH, payload.length - ICV_OFFSET - ICV_LENGTH);
    return Arrays.copyOf(mac.doFinal(), ICV_LENGTH);
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key, "HmacMD5"));
      return mac;
    } catch (GeneralSecurityException e) {
      // every JDK ships HmacMD5 (SunJCE); only a FIPS-restricted provider set removes it
      throw new IllegalStateException("HMAC-MD5 is not available in this JVM; keepalived's auth_type AH needs it", e);
    }
  }

  private static void checkKey(byte[] key) {
    requireNonNull(key, "key");
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("AH key must be 8 bytes but was " + key.length);
    }
  }

  private static Parsed bad(Rejection r, String detail) {
    return new Parsed.Bad(new Decoded.Rejected(r, detail));
  }

  private static InetAddress address(byte[] b, int offset) {
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(b, offset, offset + 4));
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes are always an address", e);
    }
  }

  private static void putShort(byte[] b, int offset, int value) {
    b[offset] = (byte) (value >>> 8);
    b[offset + 1] = (byte) value;
  }

  private static void putInt(byte[] b, int offset, long value) {
    b[offset] = (byte) (value >>> 24);
    b[offset + 1] = (byte) (value >>> 16);
    b[offset + 2] = (byte) (value >>> 8);
    b[offset + 3] = (byte) value;
  }

  private static long getInt(byte[] b, int offset) {
    return ((b[offset] & 0xffL) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8)
        | (b[offset + 3] & 0xff);
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(b.length * 2);
    for (byte x : b) {
      s.append(Character.forDigit((x >>> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return s.toString();
  }
}
