package dev.lbkit.ipvs.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The attributes of one level of a netlink message, by type. Types are read with the nested and byte-order flags
 * masked off. When a type repeats, {@link #get(int)} returns the last (as the kernel's {@code nla_parse} does) and
 * {@link #all()} keeps every one in order. Getters check the value length and name the attribute when it is wrong.
 *
 * <p>Parsing copies the region into a byte array once (a nested level shares its parent's) and records where each
 * value starts and how long it is; the getters read the array in place. Decoding a dump of a hundred thousand
 * destinations so makes no buffer object per attribute, and plain array reads stay cheap even before the JIT
 * compiler has optimized them (which matters for short-lived commands).
 */
public final class NetlinkAttributes {
  /** One attribute: its type (flags masked off) and value. */
  public record Attribute(int type, ByteBuffer value) {}

  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private final byte[] bytes;
  private final int from;
  private final int to;
  /** By type: the value's offset in {@link #bytes} plus one, or 0 when absent. */
  private final int[] offset;
  /** By type: the value's length. */
  private final int[] length;

  private NetlinkAttributes(byte[] bytes, int from, int to, int[] offset, int[] length) {
    this.bytes = bytes;
    this.from = from;
    this.to = to;
    this.offset = offset;
    this.length = length;
  }

  /**
   * Parses the attributes that fill a buffer from its position to its limit (a copy: later changes to the buffer
   * do not show).
   *
   * @throws MalformedMessageException if an attribute length is below 4 or runs past the end
   */
  public static NetlinkAttributes parse(ByteBuffer region) throws MalformedMessageException {
    return parse(region, region.position(), region.limit());
  }

  /** Parses the attributes in {@code [from, to)} of a buffer, by absolute index. */
  static NetlinkAttributes parse(ByteBuffer region, int from, int to) throws MalformedMessageException {
    byte[] copy = new byte[to - from];
    region.get(from, copy);
    return parse(copy, 0, copy.length);
  }

  private static NetlinkAttributes parse(byte[] b, int from, int to) throws MalformedMessageException {
    int[] offset = new int[16];
    int[] length = new int[16];
    for (int p = from; to - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int len = u16(b, p);
      int type = u16(b, p + 2) & Netlink.NLA_TYPE_MASK;
      if (len < Netlink.ATTR_HEADER_LENGTH || len > to - p) {
        throw new MalformedMessageException("attribute of type " + type + " has length " + len + " but "
            + (to - p) + " bytes remain");
      }
      if (type >= offset.length) {
        offset = Arrays.copyOf(offset, type + 1);
        length = Arrays.copyOf(length, type + 1);
      }
      offset[type] = p + Netlink.ATTR_HEADER_LENGTH + 1;
      length[type] = len - Netlink.ATTR_HEADER_LENGTH;
      p = Math.min(to, p + Netlink.align(len));
    }
    return new NetlinkAttributes(b, from, to, offset, length);
  }

  /** Every attribute in order. */
  public List<Attribute> all() {
    List<Attribute> out = new ArrayList<>();
    for (int p = from; to - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int len = u16(bytes, p);
      int type = u16(bytes, p + 2) & Netlink.NLA_TYPE_MASK;
      out.add(new Attribute(type, view(p + Netlink.ATTR_HEADER_LENGTH, len - Netlink.ATTR_HEADER_LENGTH)));
      p = Math.min(to, p + Netlink.align(len));
    }
    return Collections.unmodifiableList(out);
  }

  /** Whether an attribute of this type is present. */
  public boolean has(int type) {
    return type >= 0 && type < offset.length && offset[type] != 0;
  }

  /** The value of the last attribute of this type (a read-only view in host order), or null. */
  public ByteBuffer get(int type) {
    return has(type) ? view(offset[type] - 1, length[type]) : null;
  }

  public int u8(int type) throws MalformedMessageException {
    return bytes[require(type, 1)] & 0xff;
  }

  public int u16(int type) throws MalformedMessageException {
    return u16(bytes, require(type, 2));
  }

  /** A network-order u16, such as a port. */
  public int be16(int type) throws MalformedMessageException {
    int at = require(type, 2);
    return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
  }

  public int u32(int type) throws MalformedMessageException {
    return u32(bytes, require(type, 4));
  }

  public long u64(int type) throws MalformedMessageException {
    return u64(bytes, require(type, 8));
  }

  /** A host-order u64 at {@code at}. */
  public static long u64(byte[] b, int at) {
    long lo = u32(b, at) & 0xffff_ffffL;
    long hi = u32(b, at + 4) & 0xffff_ffffL;
    return LITTLE_ENDIAN ? hi << 32 | lo : lo << 32 | hi;
  }

  /**
   * The end of the attribute at {@code p} (its header's length, checked against {@code to}), for walkers: the next
   * attribute starts at {@code align(end)}.
   *
   * @throws MalformedMessageException worded as {@link #parse} words it
   */
  public static int attributeEnd(byte[] b, int p, int to) throws MalformedMessageException {
    int len = u16(b, p);
    if (len < Netlink.ATTR_HEADER_LENGTH || len > to - p) {
      throw badLength(b, p, to);
    }
    return p + len;
  }

  /**
   * The error {@link #attributeEnd} throws, made apart so that the check stays under the client compiler's inlining
   * limit (35 bytes of bytecode): walkers call it for every attribute of a listing.
   */
  public static MalformedMessageException badLength(byte[] b, int p, int to) {
    return new MalformedMessageException("attribute of type " + (u16(b, p + 2) & Netlink.NLA_TYPE_MASK)
        + " has length " + u16(b, p) + " but " + (to - p) + " bytes remain");
  }

  /**
   * Checks a value's length for a walker.
   *
   * @param at the value's offset, or -1 when the attribute was absent
   * @return {@code at}
   * @throws MalformedMessageException worded as the getters word it
   */
  public static int require(int type, int at, int length, int minLength) throws MalformedMessageException {
    if (at < 0 || length < minLength) {
      throw requireFailed(type, at, length, minLength);
    }
    return at;
  }

  /** The error {@link #require(int, int, int, int)} throws, apart so that the check stays small enough to inline. */
  private static MalformedMessageException requireFailed(int type, int at, int length, int minLength) {
    return at < 0 ? new MalformedMessageException("attribute " + type + " is missing")
        : new MalformedMessageException("attribute " + type + " has " + length + " bytes, needs " + minLength);
  }

  /** The value as bytes. */
  public byte[] bytes(int type) throws MalformedMessageException {
    int at = require(type, 0);
    return Arrays.copyOfRange(bytes, at, at + length[type]);
  }

  /** A string, up to its first NUL (or the whole value when it has none). */
  public String string(int type) throws MalformedMessageException {
    int at = require(type, 0);
    int end = at + length[type];
    int n = at;
    while (n < end && bytes[n] != 0) {
      n++;
    }
    return new String(bytes, at, n - at, StandardCharsets.UTF_8);
  }

  /** The attributes nested in this one. */
  public NetlinkAttributes nested(int type) throws MalformedMessageException {
    int at = require(type, 0);
    return parse(bytes, at, at + length[type]);
  }

  private ByteBuffer view(int at, int n) {
    return ByteBuffer.wrap(bytes, at, n).slice().asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  /** The offset of the value, checked to be present and at least {@code minLength} long. */
  private int require(int type, int minLength) throws MalformedMessageException {
    if (!has(type)) {
      throw new MalformedMessageException("attribute " + type + " is missing");
    }
    if (length[type] < minLength) {
      throw new MalformedMessageException("attribute " + type + " has " + length[type] + " bytes, needs "
          + minLength);
    }
    return offset[type] - 1;
  }

  // ---- raw readers, for decoders that walk attributes themselves (see IpvsReplies.destination)

  /** A host-order u16 at {@code at}. */
  public static int u16(byte[] b, int at) {
    int x = b[at] & 0xff;
    int y = b[at + 1] & 0xff;
    return LITTLE_ENDIAN ? y << 8 | x : x << 8 | y;
  }

  /** A host-order u32 at {@code at}. */
  public static int u32(byte[] b, int at) {
    int b0 = b[at] & 0xff;
    int b1 = b[at + 1] & 0xff;
    int b2 = b[at + 2] & 0xff;
    int b3 = b[at + 3] & 0xff;
    return LITTLE_ENDIAN ? b3 << 24 | b2 << 16 | b1 << 8 | b0 : b0 << 24 | b1 << 16 | b2 << 8 | b3;
  }
}
