package dev.lbkit.ipvs.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message: the header, a fixed family header (genlmsghdr, ifaddrmsg, ...), then attributes,
 * nested as needed. Values are in host order unless a method says network order. Not thread-safe; reusable after
 * {@link #reset()}.
 *
 * <pre>
 *  0               4       6       8               12              16
 * +---------------+-------+-------+---------------+---------------+----------------------------+
 * | nlmsg_len     | type  | flags | seq           | port id       | family header, attributes  |
 * +---------------+-------+-------+---------------+---------------+----------------------------+
 * attribute: | nla_len u16 | nla_type u16 | value | padding to 4 |   (nla_len excludes the padding)
 * </pre>
 * The sequence number and port id are left 0 here; {@link NetlinkConnection} fills them in when it sends.
 */
public final class NetlinkMessageWriter {
  private ByteBuffer buf;
  private boolean open;

  public NetlinkMessageWriter() {
    this(256);
  }

  public NetlinkMessageWriter(int initialCapacity) {
    buf = ByteBuffer.allocate(Math.max(initialCapacity, 64)).order(ByteOrder.nativeOrder());
  }

  /** Forgets the message so the writer can build another. */
  public NetlinkMessageWriter reset() {
    buf.clear();
    open = false;
    return this;
  }

  /** Starts the message: writes the header with this type and flags. */
  public NetlinkMessageWriter begin(int type, int flags) {
    if (open || buf.position() != 0) {
      throw new IllegalStateException("a message was already begun; reset() first");
    }
    open = true;
    ensure(Netlink.HEADER_LENGTH);
    buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    return this;
  }

  /** Writes a generic netlink header ({@code struct genlmsghdr}). */
  public NetlinkMessageWriter genlHeader(int command, int version) {
    return u8(command).u8(version).u16(0);
  }

  /** Writes one byte of a fixed header, unaligned. */
  public NetlinkMessageWriter u8(int value) {
    ensure(1);
    buf.put((byte) value);
    return this;
  }

  /** Writes a host-order u16 of a fixed header, unaligned. */
  public NetlinkMessageWriter u16(int value) {
    ensure(2);
    buf.putShort((short) value);
    return this;
  }

  /** Writes a host-order u32 of a fixed header, unaligned. */
  public NetlinkMessageWriter u32(int value) {
    ensure(4);
    buf.putInt(value);
    return this;
  }

  /** Writes raw bytes of a fixed header, unaligned. */
  public NetlinkMessageWriter bytes(byte[] value) {
    ensure(value.length);
    buf.put(value);
    return this;
  }

  /** An attribute holding a u8. */
  public NetlinkMessageWriter attrU8(int type, int value) {
    attrHeader(type, 1);
    buf.put((byte) value);
    return pad();
  }

  /** An attribute holding a host-order u16. */
  public NetlinkMessageWriter attrU16(int type, int value) {
    attrHeader(type, 2);
    buf.putShort((short) value);
    return pad();
  }

  /** An attribute holding a network-order (big-endian) u16, such as a port. */
  public NetlinkMessageWriter attrBe16(int type, int value) {
    attrHeader(type, 2);
    buf.put((byte) (value >>> 8)).put((byte) value);
    return pad();
  }

  /** An attribute holding a host-order u32. */
  public NetlinkMessageWriter attrU32(int type, int value) {
    attrHeader(type, 4);
    buf.putInt(value);
    return pad();
  }

  /** An attribute holding a host-order u64. */
  public NetlinkMessageWriter attrU64(int type, long value) {
    attrHeader(type, 8);
    buf.putLong(value);
    return pad();
  }

  /** An attribute holding raw bytes. */
  public NetlinkMessageWriter attrBytes(int type, byte[] value) {
    attrHeader(type, value.length);
    buf.put(value);
    return pad();
  }

  /** An attribute holding a NUL-terminated string (the terminator is counted in the length). */
  public NetlinkMessageWriter attrString(int type, String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    attrHeader(type, b.length + 1);
    buf.put(b).put((byte) 0);
    return pad();
  }

  /** An attribute without a value (a flag). */
  public NetlinkMessageWriter attrFlag(int type) {
    attrHeader(type, 0);
    return this;
  }

  /**
   * Opens a nested attribute; close it with {@link #endNested(int)}.
   *
   * @param type the attribute type; pass {@code type | Netlink.NLA_F_NESTED} to set the nested flag
   * @return a token for {@link #endNested(int)}
   */
  public int beginNested(int type) {
    int start = buf.position();
    attrHeader(type, 0);
    return start;
  }

  /** Closes the nested attribute {@link #beginNested(int)} opened. */
  public NetlinkMessageWriter endNested(int token) {
    buf.putShort(token, (short) (buf.position() - token));
    return this;
  }

  /** Finishes the message: sets its length and pads it to 4 bytes. */
  public NetlinkMessageWriter end() {
    if (!open) {
      throw new IllegalStateException("no message begun");
    }
    buf.putInt(0, buf.position());
    pad();
    open = false;
    return this;
  }

  /** The message's bytes (a copy), after {@link #end()}. */
  public byte[] toByteArray() {
    if (open) {
      throw new IllegalStateException("message not ended");
    }
    return Arrays.copyOf(buf.array(), buf.position());
  }

  /** The length written so far. */
  public int length() {
    return buf.position();
  }

  private void attrHeader(int type, int valueLength) {
    if (!open) {
      throw new IllegalStateException("no message begun");
    }
    int len = Netlink.ATTR_HEADER_LENGTH + valueLength;
    if (len > 0xffff) {
      throw new IllegalArgumentException("attribute " + type + " is too long: " + len + " bytes");
    }
    ensure(Netlink.align(len));
    buf.putShort((short) len).putShort((short) type);
  }

  private NetlinkMessageWriter pad() {
    int p = buf.position();
    int aligned = Netlink.align(p);
    ensure(aligned - p);
    while (buf.position() < aligned) {
      buf.put((byte) 0);
    }
    return this;
  }

  private void ensure(int more) {
    if (buf.remaining() < more) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64))
          .order(ByteOrder.nativeOrder());
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
  }
}
