package dev.lbkit.ipvs.internal.netlink;

import java.nio.ByteBuffer;

/**
 * A datagram pipe to the kernel's netlink: a real {@link NetlinkSocket}, or a scripted peer in tests.
 * {@link NetlinkConnection} adds sequence numbers, ACKs and dumps on top.
 */
public interface NetlinkChannel extends AutoCloseable {

  /** The port id the kernel assigned to this end ({@code nl_pid}). */
  int portId();

  /**
   * Sends the bytes between the buffer's position and limit as one datagram (one or more messages).
   *
   * @throws NetlinkException with the errno of {@code sendto}
   */
  void send(ByteBuffer datagram) throws NetlinkException;

  /**
   * Receives one datagram into the buffer from its position and returns its length. The buffer's position is not
   * moved.
   *
   * @throws NetlinkException with {@code ENOBUFS} when the kernel dropped messages because the receive buffer
   *     overran, {@code EAGAIN} on a receive timeout, or a message when the datagram did not fit
   */
  int receive(ByteBuffer buffer) throws NetlinkException;

  /**
   * Receives up to {@code lengths.length} datagrams in one call: waits for the first, then takes only those already
   * queued (a dump's next datagram is queued as soon as the previous one is read, so one call can take a small
   * dump's data and its {@code NLMSG_DONE}). Datagram {@code i} goes to the {@code slot} bytes from
   * {@code position + i * slot}; the buffer's position is not moved. {@code lengths[i]} is its full length, which
   * is more than {@code slot} when it did not fit and was truncated (not an exception here: the datagrams before it
   * are good).
   *
   * <p>This default takes one datagram per call with {@link #receive}.
   *
   * @return how many datagrams came, at least one
   * @throws NetlinkException as {@link #receive}, when the first receive fails; a failure after the first is
   *     reported by the next call
   */
  default int receiveMany(ByteBuffer buffer, int slot, int[] lengths) throws NetlinkException {
    ByteBuffer first = buffer.duplicate();
    first.limit(first.position() + slot);
    lengths[0] = receive(first);
    return 1;
  }

  @Override
  void close() throws NetlinkException;
}
