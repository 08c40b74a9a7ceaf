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
 */
public final class NetlinkAttributes {
  /** One attribute: its type (flags masked off) and value. */
  public record Attribute(int type, ByteBuffer value) {}

  private final List<Attribute> all;
  private final ByteBuffer[] byType;

  private NetlinkAttributes(List<Attribute> all, ByteBuffer[] byType) {
    this.all = all;
    this.byType = byType;
  }

  /**
   * Parses the attributes that fill a buffer from its position to its limit.
   *
   * @throws MalformedMessageException if an attribute length is below 4 or runs past the end
   */
  public static NetlinkAttributes parse(ByteBuffer region) throws MalformedMessageException {
    ByteBuffer b = region.duplicate().order(ByteOrder.nativeOrder());
    List<Attribute> all = new ArrayList<>();
    int max = -1;
    while (b.remaining() >= Netlink.ATTR_HEADER_LENGTH) {
      int start = b.position();
      int len = b.getShort(start) & 0xffff;
      int type = b.getShort(start + 2) & Netlink.NLA_TYPE_MASK;
      if (len < Netlink.ATTR_HEADER_LENGTH || len > b.remaining()) {
        throw new MalformedMessageException("attribute of type " + type + " has length " + len + " but "
            + b.remaining() + " bytes remain");
      }
      ByteBuffer value = b.duplicate().position(start + Netlink.ATTR_HEADER_LENGTH).limit(start + len).slice()
          .order(ByteOrder.nativeOrder());
      all.add(new Attribute(type, value));
      max = Math.max(max, type);
      b.position(Math.min(b.limit(), start + Netlink.align(len)));
    }
    ByteBuffer[] byType = new ByteBuffer[max + 1];
    for (Attribute a : all) {
      byType[a.type()] = a.value();
    }
    return new NetlinkAttributes(Collections.unmodifiableList(all), byType);
  }

  /** Every attribute in order. */
  public List<Attribute> all() {
    return all;
  }

  /** Whether an attribute of this type is present. */
  public boolean has(int type) {
    return type >= 0 && type < byType.length && byType[type] != null;
  }

  /** The value of the last attribute of this type, or null. */
  public ByteBuffer get(int type) {
    return has(type) ? byType[type].duplicate().order(ByteOrder.nativeOrder()) : null;
  }

  public int u8(int type) throws MalformedMessageException {
    return require(type, 1).get(0) & 0xff;
  }

  public int u16(int type) throws MalformedMessageException {
    return require(type, 2).getShort(0) & 0xffff;
  }

  /** A network-order u16, such as a port. */
  public int be16(int type) throws MalformedMessageException {
    ByteBuffer v = require(type, 2);
    return ((v.get(0) & 0xff) << 8) | (v.get(1) & 0xff);
  }

  public int u32(int type) throws MalformedMessageException {
    return require(type, 4).getInt(0);
  }

  public long u64(int type) throws MalformedMessageException {
    return require(type, 8).getLong(0);
  }

  /** The value as bytes. */
  public byte[] bytes(int type) throws MalformedMessageException {
    ByteBuffer v = require(type, 0);
    byte[] out = new byte[v.remaining()];
    v.get(out);
    return out;
  }

  /** A string, up to its first NUL (or the whole value when it has none). */
  public String string(int type) throws MalformedMessageException {
    byte[] b = bytes(type);
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  /** The attributes nested in this one. */
  public NetlinkAttributes nested(int type) throws MalformedMessageException {
    return parse(require(type, 0));
  }

  private ByteBuffer require(int type, int minLength) throws MalformedMessageException {
    ByteBuffer v = get(type);
    if (v == null) {
      throw new MalformedMessageException("attribute " + type + " is missing");
    }
    if (v.remaining() < minLength) {
      throw new MalformedMessageException("attribute " + type + " has " + v.remaining() + " bytes, needs "
          + minLength);
    }
    return v;
  }
}
