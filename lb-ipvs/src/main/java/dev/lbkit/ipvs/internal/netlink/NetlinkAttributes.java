package dev.lbkit.ipvs.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The attributes of one level of a netlink message, by type. Types are read with the nested and byte-order flags
 * masked off. When a type repeats, {@link #get(int)} returns the last (as the kernel's {@code nla_parse} does) and
 * {@link #all()} keeps every one in order. Getters check the value length and name the attribute when it is wrong.
 *
 * <p>Parsing only records where each value starts and how long it is; the getters read the message's buffer in
 * place, so decoding a large dump makes no buffer objects per attribute.
 */
public final class NetlinkAttributes {
  /** One attribute: its type (flags masked off) and value. */
  public record Attribute(int type, ByteBuffer value) {}

  /** The region the attributes fill, in host order; read with absolute indexes only. */
  private final ByteBuffer buf;
  private final int from;
  private final int to;
  /** By type: the value's absolute offset in {@link #buf}, or -1 when absent. */
  private final int[] offset;
  /** By type: the value's length. */
  private final int[] length;

  private NetlinkAttributes(ByteBuffer buf, int from, int to, int[] offset, int[] length) {
    this.buf = buf;
    this.from = from;
    this.to = to;
    this.offset = offset;
    this.length = length;
  }

  /**
   * Parses the attributes that fill a buffer from its position to its limit.
   *
   * @throws MalformedMessageException if an attribute length is below 4 or runs past the end
   */
  public static NetlinkAttributes parse(ByteBuffer region) throws MalformedMessageException {
    ByteBuffer b = region.order() == ByteOrder.nativeOrder() ? region : region.duplicate().order(ByteOrder.nativeOrder());
    return parse(b, region.position(), region.limit());
  }

  /** Parses the attributes in {@code [from, to)} of a host-order buffer, by absolute index. */
  static NetlinkAttributes parse(ByteBuffer b, int from, int to) throws MalformedMessageException {
    // first pass: validate the lengths and find the largest type
    int max = -1;
    for (int p = from; to - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int len = b.getShort(p) & 0xffff;
      int type = b.getShort(p + 2) & Netlink.NLA_TYPE_MASK;
      if (len < Netlink.ATTR_HEADER_LENGTH || len > to - p) {
        throw new MalformedMessageException("attribute of type " + type + " has length " + len + " but "
            + (to - p) + " bytes remain");
      }
      max = Math.max(max, type);
      p = Math.min(to, p + Netlink.align(len));
    }
    int[] offset = new int[max + 1];
    int[] length = new int[max + 1];
    java.util.Arrays.fill(offset, -1);
    for (int p = from; to - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int len = b.getShort(p) & 0xffff;
      int type = b.getShort(p + 2) & Netlink.NLA_TYPE_MASK;
      offset[type] = p + Netlink.ATTR_HEADER_LENGTH;
      length[type] = len - Netlink.ATTR_HEADER_LENGTH;
      p = Math.min(to, p + Netlink.align(len));
    }
    return new NetlinkAttributes(b, from, to, offset, length);
  }

  /** Every attribute in order. */
  public List<Attribute> all() {
    List<Attribute> out = new ArrayList<>();
    for (int p = from; to - p >= Netlink.ATTR_HEADER_LENGTH; ) {
      int len = buf.getShort(p) & 0xffff;
      int type = buf.getShort(p + 2) & Netlink.NLA_TYPE_MASK;
      out.add(new Attribute(type, slice(p + Netlink.ATTR_HEADER_LENGTH, len - Netlink.ATTR_HEADER_LENGTH)));
      p = Math.min(to, p + Netlink.align(len));
    }
    return Collections.unmodifiableList(out);
  }

  /** Whether an attribute of this type is present. */
  public boolean has(int type) {
    return type >= 0 && type < offset.length && offset[type] >= 0;
  }

  /** The value of the last attribute of this type, or null. */
  public ByteBuffer get(int type) {
    return has(type) ? slice(offset[type], length[type]) : null;
  }

  public int u8(int type) throws MalformedMessageException {
    return buf.get(require(type, 1)) & 0xff;
  }

  public int u16(int type) throws MalformedMessageException {
    return buf.getShort(require(type, 2)) & 0xffff;
  }

  /** A network-order u16, such as a port. */
  public int be16(int type) throws MalformedMessageException {
    int at = require(type, 2);
    return ((buf.get(at) & 0xff) << 8) | (buf.get(at + 1) & 0xff);
  }

  public int u32(int type) throws MalformedMessageException {
    return buf.getInt(require(type, 4));
  }

  public long u64(int type) throws MalformedMessageException {
    return buf.getLong(require(type, 8));
  }

  /** The value as bytes. */
  public byte[] bytes(int type) throws MalformedMessageException {
    int at = require(type, 0);
    byte[] out = new byte[length[type]];
    buf.get(at, out);
    return out;
  }

  /** The first {@code n} bytes of the value. */
  public byte[] bytes(int type, int n) throws MalformedMessageException {
    int at = require(type, n);
    byte[] out = new byte[n];
    buf.get(at, out);
    return out;
  }

  /** A string, up to its first NUL (or the whole value when it has none). */
  public String string(int type) throws MalformedMessageException {
    int at = require(type, 0);
    int end = at + length[type];
    int n = at;
    while (n < end && buf.get(n) != 0) {
      n++;
    }
    byte[] b = new byte[n - at];
    buf.get(at, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The attributes nested in this one. */
  public NetlinkAttributes nested(int type) throws MalformedMessageException {
    int at = require(type, 0);
    return parse(buf, at, at + length[type]);
  }

  private ByteBuffer slice(int at, int n) {
    return buf.slice(at, n).order(ByteOrder.nativeOrder());
  }

  /** The absolute offset of the value, checked to be present and at least {@code minLength} long. */
  private int require(int type, int minLength) throws MalformedMessageException {
    if (!has(type)) {
      throw new MalformedMessageException("attribute " + type + " is missing");
    }
    if (length[type] < minLength) {
      throw new MalformedMessageException("attribute " + type + " has " + length[type] + " bytes, needs "
          + minLength);
    }
    return offset[type];
  }
}
