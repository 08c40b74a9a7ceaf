package dev.lbkit.ipvs.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests and their answers over a {@link NetlinkChannel}: sequence numbers, ACKs, errors with extended ACK
 * messages, multipart dumps, and batches of many requests per datagram.
 *
 * <p>Thread safety: every public method holds one lock for the whole exchange, so threads may share a connection
 * and their requests are serialized; open one connection per thread for parallelism (the kernel serializes IPVS
 * changes anyway).
 *
 * <pre>{@code
 * try (NetlinkConnection c = NetlinkConnection.open(NetlinkProtocol.ROUTE)) {
 *   NetlinkMessageWriter w = new NetlinkMessageWriter().begin(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
 *   ... family header and attributes ...
 *   c.execute("add address 192.0.2.1/24 to eth0", w.end());
 * }
 * }</pre>
 */
public final class NetlinkConnection implements AutoCloseable {
  /** Set up on first use: SLF4J's start (a service lookup over the whole class path) is not paid by a short
   * command that logs nothing. */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(NetlinkConnection.class);
  }

  /** How many requests {@link #executeBatch} puts in one datagram: all their errors must fit the receive buffer. */
  public static final int BATCH_WINDOW = 256;
  /** Largest datagram {@link #executeBatch} sends. */
  private static final int MAX_DATAGRAM = 60 << 10;
  /**
   * A receive length the kernel answers with a one-page datagram: {@code NLMSG_GOODSIZE} with 4 KiB pages (a page
   * less the kernel's 320-byte {@code skb_shared_info}).
   */
  public static final int SMALL_DUMP_RECEIVE = 4096 - 320;

  /** The receive buffer's size. */
  private static final int RECEIVE_BUFFER = 256 << 10;
  /**
   * The largest datagram the kernel makes for a dump (unless a family asks for more): it sizes them by the largest
   * receive the socket has made, capped at 32 KiB less its {@code skb_shared_info} ({@code netlink_recvmsg}). Dumps
   * receive in slots of this size, several datagrams per call.
   */
  static final int DUMP_DATAGRAM = 32 << 10;

  /** How often a dump the kernel marked inconsistent, or that lost messages, is started again. */
  private static final int DUMP_ATTEMPTS = 4;

  /** An {@code NLMSG_NOOP}: the kernel acknowledges it without handing it to a family. */
  private static final byte[] NOOP = new NetlinkMessageWriter(16).begin(Netlink.NLMSG_NOOP, 0).end().toByteArray();

  private final NetlinkChannel channel;
  private final ReentrantLock lock = new ReentrantLock();
  private final ByteBuffer receive = ByteBuffer.allocateDirect(RECEIVE_BUFFER).order(ByteOrder.nativeOrder());
  /** A dump datagram's bytes on the heap, and a buffer over them. */
  private final byte[] heapDatagram = new byte[RECEIVE_BUFFER];
  private final ByteBuffer heapView = ByteBuffer.wrap(heapDatagram).order(ByteOrder.nativeOrder());
  // direct, so the socket sends it as it is rather than copying it into a direct buffer first
  private ByteBuffer send = ByteBuffer.allocateDirect(MAX_DATAGRAM + 4096).order(ByteOrder.nativeOrder());
  private int nextSequence = ThreadLocalRandom.current().nextInt(1, 1 << 30);
  /** Bytes per datagram of a dump's receives: {@link #DUMP_DATAGRAM}, less for small dumps, more after a
   * truncated datagram. */
  private int dumpSlot = DUMP_DATAGRAM;
  /** One per datagram a dump receive takes in one call. */
  private int[] dumpLengths = new int[RECEIVE_BUFFER / DUMP_DATAGRAM];
  /** Whether dumps receive in small slots ({@link #receiveSmallDumps}). */
  private boolean smallDumps;

  /** Wraps a channel; the connection closes it. */
  public NetlinkConnection(NetlinkChannel channel) {
    this.channel = channel;
  }

  /** Opens a {@link NetlinkSocket} of this protocol and wraps it. */
  public static NetlinkConnection open(NetlinkProtocol protocol) throws NetlinkException {
    return new NetlinkConnection(NetlinkSocket.open(protocol));
  }

  /**
   * Makes this connection's dumps receive in small slots until a dump needs more than two datagrams: for a
   * connection that makes many dumps of a few messages each. The kernel sizes each datagram of a dump by the largest
   * receive the socket has made (up to 32 KiB, allocated from the page allocator); a one-page datagram is cheaper to
   * make, and most dumps of one service's destinations fit one. Then {@code NLMSG_DONE} comes in a second datagram,
   * which the kernel queues while the first is read, so one receive call of two slots takes both. As soon as a dump
   * needs a third datagram, or a datagram comes truncated, dumps receive in big slots from then on (a truncated dump
   * is read to its end and made again). Other requests always receive with the whole buffer.
   *
   * @param bytes the slot length; at least {@link #SMALL_DUMP_RECEIVE} is sensible
   */
  public void receiveSmallDumps(int bytes) {
    lock.lock();
    try {
      smallDumps = true;
      dumpSlot = Math.max(1024, Math.min(bytes, DUMP_DATAGRAM));
      dumpLengths = new int[2];
    } finally {
      lock.unlock();
    }
  }

  /** The local port id. */
  public int portId() {
    return channel.portId();
  }

  /**
   * Sends one request with {@code NLM_F_REQUEST | NLM_F_ACK} and waits for its ACK.
   *
   * @param operation what the request does, for error messages ("add service TCP 192.0.2.1:80")
   * @param message an ended writer
   * @throws NetlinkException with the kernel's errno and extended ACK when it refuses
   */
  public void execute(String operation, NetlinkMessageWriter message) throws NetlinkException {
    request(operation, message, m -> null);
  }

  /** Decodes one message of an answer; the message's payload is only valid during the call. */
  @FunctionalInterface
  public interface Decoder<T> {
    /** Returns the decoded value, or null to drop the message. */
    T decode(NetlinkMessage message) throws NetlinkException;
  }

  /**
   * Sends one request with {@code NLM_F_REQUEST | NLM_F_ACK} and decodes every answer message up to the ACK.
   *
   * @return the decoded answers in order (without nulls)
   * @throws NetlinkException with the kernel's errno when it refuses
   */
  public <T> List<T> request(String operation, NetlinkMessageWriter message, Decoder<T> decoder)
      throws NetlinkException {
    lock.lock();
    try {
      int seq = sequence(1);
      send.clear();
      put(send, message.toByteArray(), seq, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
      channel.send(send.flip());
      List<T> out = new ArrayList<>(1);
      while (true) {
        for (NetlinkMessage m : receiveOnce()) {
          if (m.sequence() != seq) {
            Log.LOG.debug("dropping netlink message type {} with stale sequence {} (want {})", m.type(), m.sequence(), seq);
            continue;
          }
          if (m.isError()) {
            NetlinkException e = errorOf(operation, m);
            if (e != null) {
              throw e;
            }
            return out;
          }
          if (m.type() == Netlink.NLMSG_DONE || m.type() == Netlink.NLMSG_NOOP) {
            continue;
          }
          T t = decoder.decode(m);
          if (t != null) {
            out.add(t);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends a dump request ({@code NLM_F_REQUEST | NLM_F_DUMP}) and decodes every message until {@code NLMSG_DONE}.
   * A dump the kernel marks inconsistent ({@code NLM_F_DUMP_INTR}, the table changed meanwhile) or that lost
   * messages to a receive-buffer overrun is started again, a few times; then it fails. It is never returned
   * truncated.
   *
   * @throws NetlinkException with the kernel's errno, or {@code EINTR}/{@code ENOBUFS} when every attempt was
   *     disturbed
   */
  public <T> List<T> dump(String operation, NetlinkMessageWriter message, Decoder<T> decoder)
      throws NetlinkException {
    return dump(() -> operation, message, decoder);
  }

  /**
   * {@link #dump(String, NetlinkMessageWriter, Decoder)} with the operation worded only when something goes wrong:
   * a listing of ten thousand services makes ten thousand dumps.
   */
  public <T> List<T> dump(Supplier<String> operation, NetlinkMessageWriter message, Decoder<T> decoder)
      throws NetlinkException {
    lock.lock();
    try {
      byte[] bytes = message.toByteArray();
      NetlinkException last = null;
      for (int attempt = 1; attempt <= DUMP_ATTEMPTS; attempt++) {
        int seq = sequence(1);
        send.clear();
        put(send, bytes, seq, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
        channel.send(send.flip());
        List<T> out = new ArrayList<>();
        boolean interrupted = false;
        boolean done = false;
        boolean lost = false;
        int dataDatagrams = 0;
        while (!done) {
          int slot = dumpSlot;
          int[] lengths = dumpLengths;
          int got;
          try {
            got = channel.receiveMany(receive.clear(), slot, lengths);
          } catch (NetlinkException e) {
            if (e.errno() == Errno.EMSGSIZE) {
              widenDumpReceives(slot); // too small for this kernel's datagrams
            } else if (e.errno() != Errno.ENOBUFS) {
              throw e;
            }
            // the dump goes on in the kernel; read it to its end, then start over
            lost = true;
            last = e;
            continue;
          }
          for (int i = 0; i < got && !done; i++) {
            if (lengths[i] > slot) {
              // truncated: the rest of that datagram is gone; read the dump to its end, then start over
              lost = true;
              last = new NetlinkException(operation.get() + ": a dump datagram of " + lengths[i] + " bytes did not fit"
                  + " the " + slot + "-byte receive and was truncated", Errno.EMSGSIZE, null, -1);
              widenDumpReceives(slot);
              continue;
            }
            // one bulk copy to the heap, so that decoders read the messages' bytes in place
            receive.get(i * slot, heapDatagram, 0, lengths[i]);
            for (NetlinkMessage m : NetlinkMessage.parseAll(heapView.clear().limit(lengths[i]), false)) {
              if (m.sequence() != seq) {
                continue;
              }
              if ((m.flags() & Netlink.NLM_F_DUMP_INTR) != 0) {
                interrupted = true;
              }
              if (m.isDone()) {
                done = true;
                break;
              }
              if (m.isError()) {
                NetlinkException e = errorOf(operation.get(), m);
                if (e != null) {
                  throw e;
                }
                done = true;
                break;
              }
              if (!lost && !interrupted) {
                T t = decoder.decode(m);
                if (t != null) {
                  out.add(t);
                }
              }
            }
            // a small dump of more than two datagrams: the kernel sizes each next datagram by the largest receive
            // so far, so receiving with big slots from now on makes the rest (and every later dump) big
            if (!done && smallDumps && ++dataDatagrams >= 2) {
              bigDumpReceives();
            }
          }
        }
        if (!interrupted && !lost) {
          return out;
        }
        if (interrupted) {
          last = new NetlinkException(operation.get() + ": the table changed during the dump " + attempt
              + " times in a row", Errno.EINTR, null, -1);
        }
        Log.LOG.debug("{}: dump attempt {} was {}; starting again", operation.get(), attempt,
            interrupted ? "inconsistent (NLM_F_DUMP_INTR)" : "overrun or truncated (" + last.getMessage() + ")");
      }
      throw last;
    } finally {
      lock.unlock();
    }
  }

  /** Dumps receive in slots of {@link #DUMP_DATAGRAM} bytes, as many as fit the buffer. */
  private void bigDumpReceives() {
    smallDumps = false;
    dumpSlot = DUMP_DATAGRAM;
    dumpLengths = new int[receive.capacity() / DUMP_DATAGRAM];
  }

  /** After a datagram did not fit a slot of {@code slot} bytes: the next size up (big slots, then the buffer). */
  private void widenDumpReceives(int slot) {
    if (slot < DUMP_DATAGRAM) {
      bigDumpReceives();
    } else {
      smallDumps = false;
      dumpSlot = receive.capacity();
      dumpLengths = new int[1];
    }
  }

  /**
   * Sends many requests packed several to a datagram, without an ACK request on each: the kernel answers a request
   * only when it refuses it ({@code NLMSG_ERROR} always comes back for an error). Each datagram ends with an
   * {@code NLMSG_NOOP} that does ask for an ACK; the kernel handles a datagram's messages in order, so when that
   * ACK arrives every refusal of the datagram has arrived before it, and the other requests were applied. At most
   * {@link #BATCH_WINDOW} requests go in one datagram, so even if all are refused their errors fit the receive
   * buffer. The kernel goes on after a refusal, so each request gets its own outcome.
   *
   * @param operations what each request does, for error messages; same size as {@code messages}
   * @param messages ended writers' bytes ({@link NetlinkMessageWriter#toByteArray()})
   * @return per request, in order: empty when it was applied, else why it was refused
   * @throws NetlinkException when the exchange itself broke (a socket error, lost answers); then it is unknown which
   *     requests of the unconfirmed datagram were applied, and the message says how many were confirmed
   */
  public List<Optional<NetlinkException>> executeBatch(List<String> operations, List<byte[]> messages)
      throws NetlinkException {
    if (operations.size() != messages.size()) {
      throw new IllegalArgumentException(operations.size() + " operations for " + messages.size() + " messages");
    }
    return executeBatch(operations::get, messages);
  }

  /**
   * {@link #executeBatch(List, List)} with the operations described on demand: only refused requests need words,
   * and describing a hundred thousand that succeed costs more than sending them.
   *
   * @param operation what request {@code i} does, for error messages
   */
  public List<Optional<NetlinkException>> executeBatch(IntFunction<String> operation, List<byte[]> messages)
      throws NetlinkException {
    lock.lock();
    try {
      int n = messages.size();
      List<Optional<NetlinkException>> results = new ArrayList<>(java.util.Collections.nCopies(n, null));
      // sequence numbers: base + i for request i; base + n + k for the k-th datagram's closing NOOP
      int base = sequence(2 * n + 1);
      int confirmed = 0;
      int sent = 0;
      int datagram = 0;
      try {
        while (confirmed < n) {
          send.clear();
          int first = sent;
          while (sent < n && sent - first < BATCH_WINDOW) {
            byte[] m = messages.get(sent);
            if (sent > first && send.position() + Netlink.align(m.length) + Netlink.HEADER_LENGTH > MAX_DATAGRAM) {
              break;
            }
            if (send.remaining() < Netlink.align(m.length) + Netlink.HEADER_LENGTH) {
              send = grow(send, m.length + Netlink.HEADER_LENGTH);
            }
            put(send, m, base + sent, Netlink.NLM_F_REQUEST);
            sent++;
          }
          int noopSeq = base + n + datagram++;
          put(send, NOOP, noopSeq, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
          channel.send(send.flip());
          boolean closed = false;
          while (!closed) {
            for (NetlinkMessage m : receiveOnce()) {
              if (!m.isError()) {
                Log.LOG.debug("dropping netlink message type {} sequence {} in a batch", m.type(), m.sequence());
                continue;
              }
              if (m.sequence() == noopSeq) {
                closed = true;
                continue;
              }
              int i = m.sequence() - base;
              if (i < first || i >= sent || results.get(i) != null) {
                Log.LOG.debug("dropping netlink error sequence {} outside the datagram", m.sequence());
                continue;
              }
              NetlinkException e = errorOf(operation.apply(i), m);
              if (e == null) {
                // an ACK nobody asked for: the request was applied
                results.set(i, Optional.empty());
              } else {
                results.set(i, Optional.of(e));
              }
            }
          }
          for (int i = first; i < sent; i++) {
            if (results.get(i) == null) {
              results.set(i, Optional.empty());
            }
          }
          confirmed = sent;
        }
      } catch (NetlinkException e) {
        throw new NetlinkException("batch of " + n + " requests: " + confirmed + " confirmed, " + (sent - confirmed)
            + " sent without confirmation, " + (n - sent) + " not sent; " + e.getMessage(), e.errno(), e);
      }
      return java.util.Collections.unmodifiableList(results);
    } finally {
      lock.unlock();
    }
  }

  /** Closes the channel. */
  @Override
  public void close() throws NetlinkException {
    channel.close();
  }

  /**
   * The error an {@code NLMSG_ERROR} message carries, or null for an ACK (errno 0).
   *
   * <pre>
   * | error i32 (negative errno) | original nlmsghdr (16) | original payload, unless NLM_F_CAPPED |
   * | extended ACK attributes (NLMSGERR_ATTR_MSG, _OFFS, ...) when NLM_F_ACK_TLVS                   |
   * </pre>
   */
  public static NetlinkException errorOf(String operation, NetlinkMessage m) throws MalformedMessageException {
    ByteBuffer p = m.payload();
    if (p.remaining() < 4) {
      throw new MalformedMessageException("NLMSG_ERROR of " + p.remaining() + " bytes has no error code");
    }
    int error = p.getInt(0);
    if (error == 0) {
      return null;
    }
    String message = null;
    int offset = -1;
    if ((m.flags() & Netlink.NLM_F_ACK_TLVS) != 0 && p.remaining() >= 4 + Netlink.HEADER_LENGTH) {
      long originalLength = Integer.toUnsignedLong(p.getInt(4));
      boolean capped = (m.flags() & Netlink.NLM_F_CAPPED) != 0;
      // a u32 from the wire: aligned in long, so that no length turns the skip negative
      long skip = 4 + (capped ? Netlink.HEADER_LENGTH : (originalLength + 3) & ~3L);
      if (!capped && (originalLength < Netlink.HEADER_LENGTH || skip > p.remaining())) {
        throw new MalformedMessageException("NLMSG_ERROR " + Errno.name(-error) + " quotes a request of length "
            + originalLength + ", outside the " + Netlink.HEADER_LENGTH + " to " + (p.remaining() - 4)
            + " bytes that follow its error code");
      }
      // the skip lies within the payload: a capped one by the enclosing length test, any other by the check above
      NetlinkAttributes tlvs = NetlinkAttributes.parse(p.duplicate().position((int) skip).slice());
      if (tlvs.has(Netlink.NLMSGERR_ATTR_MSG)) {
        message = tlvs.string(Netlink.NLMSGERR_ATTR_MSG);
      }
      if (tlvs.has(Netlink.NLMSGERR_ATTR_OFFS)) {
        offset = tlvs.u32(Netlink.NLMSGERR_ATTR_OFFS);
      }
    }
    return new NetlinkException(operation, -error, message, offset);
  }

  private List<NetlinkMessage> receiveOnce() throws NetlinkException {
    receive.clear();
    int n = channel.receive(receive);
    return NetlinkMessage.parseAll(receive.duplicate().limit(n).order(ByteOrder.nativeOrder()));
  }

  private int sequence(int count) {
    int s = nextSequence;
    nextSequence += count;
    if (nextSequence <= 0 || nextSequence > (1 << 30)) {
      nextSequence = 1;
      s = nextSequence;
      nextSequence += count;
    }
    return s;
  }

  private void put(ByteBuffer out, byte[] message, int seq, int extraFlags) {
    int start = out.position();
    out.put(message);
    out.putShort(start + 6, (short) (out.getShort(start + 6) | extraFlags));
    out.putInt(start + 8, seq);
    out.putInt(start + 12, channel.portId());
    while ((out.position() & 3) != 0) {
      out.put((byte) 0);
    }
  }

  private static ByteBuffer grow(ByteBuffer b, int more) {
    ByteBuffer bigger = ByteBuffer.allocateDirect(b.capacity() + Netlink.align(more) + 4096).order(ByteOrder.nativeOrder());
    b.flip();
    bigger.put(b);
    return bigger;
  }
}
