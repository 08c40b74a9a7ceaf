package dev.lbkit.ipvs.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A netlink peer for tests: records what is sent and answers each sent datagram through a script that sees the
 * parsed requests and returns the datagrams to deliver.
 */
final class ScriptedChannel implements NetlinkChannel {
  final List<byte[]> sent = new ArrayList<>();
  final Deque<byte[]> pending = new ArrayDeque<>();
  /** The length each receive asked for: per datagram (so per slot of a {@link #receiveMany} call). */
  final List<Integer> receiveLengths = new ArrayList<>();
  /** How many datagrams each receive call took. */
  final List<Integer> receiveCalls = new ArrayList<>();
  private final Function<List<NetlinkMessage>, List<byte[]>> script;
  boolean closed;

  ScriptedChannel(Function<List<NetlinkMessage>, List<byte[]>> script) {
    this.script = script;
  }

  @Override
  public int portId() {
    return 4242;
  }

  @Override
  public void send(ByteBuffer datagram) throws NetlinkException {
    byte[] b = new byte[datagram.remaining()];
    datagram.duplicate().get(b);
    sent.add(b);
    pending.addAll(script.apply(NetlinkMessage.parseAll(ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()))));
  }

  @Override
  public int receive(ByteBuffer buffer) throws NetlinkException {
    byte[] next = pending.poll();
    if (next == null) {
      throw new NetlinkException("receive (script has nothing more)", Errno.EAGAIN, null, -1);
    }
    if (next.length == 0) {
      throw new NetlinkException("receive", Errno.ENOBUFS, null, -1);
    }
    receiveLengths.add(buffer.remaining());
    receiveCalls.add(1);
    if (next.length > buffer.remaining()) { // as NetlinkSocket reports a datagram recvfrom truncated
      throw new NetlinkException("receive: truncated", Errno.EMSGSIZE, null, -1);
    }
    buffer.duplicate().put(next);
    return next.length;
  }

  /**
   * As {@code recvmmsg}: every pending datagram up to the slots (a script's datagrams are all queued at once), a
   * truncated one cut to its slot with its full length reported; an overrun marker fails the call only when it comes
   * first, else the call ends before it.
   */
  @Override
  public int receiveMany(ByteBuffer buffer, int slot, int[] lengths) throws NetlinkException {
    byte[] first = pending.peek();
    if (first == null) {
      throw new NetlinkException("receive (script has nothing more)", Errno.EAGAIN, null, -1);
    }
    if (first.length == 0) {
      pending.poll();
      throw new NetlinkException("receive", Errno.ENOBUFS, null, -1);
    }
    int n = 0;
    while (n < lengths.length && pending.peek() != null && pending.peek().length > 0) {
      byte[] next = pending.poll();
      receiveLengths.add(slot);
      buffer.duplicate().position(buffer.position() + n * slot).put(next, 0, Math.min(slot, next.length));
      lengths[n++] = next.length;
    }
    receiveCalls.add(n);
    return n;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** An ACK (errno 0) or error for a request, capped, optionally with extended ACK attributes. */
  static byte[] error(NetlinkMessage request, int errno, String extAck, int offset) {
    NetlinkMessageWriter w = new NetlinkMessageWriter().begin(Netlink.NLMSG_ERROR,
        Netlink.NLM_F_CAPPED | (extAck != null ? Netlink.NLM_F_ACK_TLVS : 0));
    w.u32(-errno).u32(Netlink.HEADER_LENGTH + request.payload().remaining()).u16(request.type())
        .u16(request.flags()).u32(request.sequence()).u32(request.portId());
    if (extAck != null) {
      w.attrString(Netlink.NLMSGERR_ATTR_MSG, extAck);
      w.attrU32(Netlink.NLMSGERR_ATTR_OFFS, offset);
    }
    return withSeq(w.end().toByteArray(), request.sequence(), 0);
  }

  /** A message with this type, flags and sequence and a u32 payload. */
  static byte[] message(int type, int flags, int seq, int value) {
    return withSeq(new NetlinkMessageWriter().begin(type, flags).u32(value).end().toByteArray(), seq, 0);
  }

  static byte[] withSeq(byte[] m, int seq, int extraFlags) {
    ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
    b.putInt(8, seq);
    b.putShort(6, (short) (b.getShort(6) | extraFlags));
    return m;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }
}
