package dev.lbkit.ipvs.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message: the header fields and the payload after the 16-byte header. The payload is a
 * view in host order, positioned at 0; it may share memory with a receive buffer, so decode it before the next
 * receive (see {@link NetlinkConnection}). It is read-only, except in the messages of a dump, which come over a
 * heap array that decoders may read in place through {@link ByteBuffer#array()} (and must not write).
 *
 * @param type {@code nlmsg_type}: a control type or the family id
 * @param flags {@code nlmsg_flags}
 * @param sequence {@code nlmsg_seq}
 * @param portId {@code nlmsg_pid}
 * @param payload the bytes after the header, up to {@code nlmsg_len}
 */
public record NetlinkMessage(int type, int flags, int sequence, int portId, ByteBuffer payload) {

  /**
   * Splits a datagram into its messages.
   *
   * @throws MalformedMessageException if a length is shorter than a header or runs past the datagram
   */
  public static List<NetlinkMessage> parseAll(ByteBuffer datagram) throws MalformedMessageException {
    return parseAll(datagram, true);
  }

  /** {@link #parseAll(ByteBuffer)}, with payloads that share a heap datagram's array when not {@code readOnly}. */
  static List<NetlinkMessage> parseAll(ByteBuffer datagram, boolean readOnly) throws MalformedMessageException {
    ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
    // a heap datagram's header fields are read from its array: a dump reads ten thousands of them
    byte[] array = b.hasArray() ? b.array() : null;
    int base = array != null ? b.arrayOffset() : 0;
    int limit = b.limit();
    List<NetlinkMessage> out = new ArrayList<>(4);
    int start = b.position();
    while (limit - start >= Netlink.HEADER_LENGTH) {
      int len = u32(b, array, base, start);
      // netlink(7): nlmsg_len covers the header; it may not run past the datagram
      if (len < Netlink.HEADER_LENGTH || len > limit - start) {
        throw new MalformedMessageException("message at offset " + (start - datagram.position()) + " has length "
            + len + " but " + (limit - start) + " bytes remain");
      }
      int type = u16(b, array, base, start + 4);
      int flags = u16(b, array, base, start + 6);
      int seq = u32(b, array, base, start + 8);
      int pid = u32(b, array, base, start + 12);
      ByteBuffer payload = b.slice(start + Netlink.HEADER_LENGTH, len - Netlink.HEADER_LENGTH);
      payload = (readOnly ? payload.asReadOnlyBuffer() : payload).order(ByteOrder.nativeOrder());
      out.add(new NetlinkMessage(type, flags, seq, pid, payload));
      start = Math.min(limit, start + Netlink.align(len));
    }
    if (start < limit) {
      throw new MalformedMessageException((limit - start) + " trailing bytes after the last message");
    }
    return out;
  }

  /** A native-order u32 at {@code index} of {@code b}: from its {@code array} (at {@code base}) when it has one. */
  private static int u32(ByteBuffer b, byte[] array, int base, int index) {
    return array != null ? NetlinkAttributes.u32(array, base + index) : b.getInt(index);
  }

  /** A native-order u16 at {@code index} of {@code b}, read as {@link #u32} reads. */
  private static int u16(ByteBuffer b, byte[] array, int base, int index) {
    return array != null ? NetlinkAttributes.u16(array, base + index) : b.getShort(index) & 0xffff;
  }

  /** The payload after a generic netlink header, as attributes. */
  public NetlinkAttributes genlAttributes() throws MalformedMessageException {
    return attributesAfter(Netlink.GENL_HEADER_LENGTH);
  }

  /** The generic netlink command ({@code genlmsghdr.cmd}). */
  public int genlCommand() throws MalformedMessageException {
    if (payload.remaining() < Netlink.GENL_HEADER_LENGTH) {
      throw new MalformedMessageException("generic netlink message of " + payload.remaining() + " bytes has no header");
    }
    return payload.get(0) & 0xff;
  }

  /** The attributes after a family header of {@code headerLength} bytes (aligned up to 4). */
  public NetlinkAttributes attributesAfter(int headerLength) throws MalformedMessageException {
    int off = Netlink.align(headerLength);
    if (payload.remaining() < off) {
      throw new MalformedMessageException("message of type " + type + " has " + payload.remaining()
          + " payload bytes, fewer than its " + headerLength + "-byte family header");
    }
    return NetlinkAttributes.parse(payload, payload.position() + off, payload.limit());
  }

  /** Whether this is {@code NLMSG_ERROR}: an error or, with errno 0, an ACK. */
  public boolean isError() {
    return type == Netlink.NLMSG_ERROR;
  }

  /** Whether this is {@code NLMSG_DONE}. */
  public boolean isDone() {
    return type == Netlink.NLMSG_DONE;
  }
}
