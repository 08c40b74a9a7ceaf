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

  @Override
  void close() throws NetlinkException;
}
