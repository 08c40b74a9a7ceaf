package dev.lbkit.healthcheck;

import java.nio.ByteBuffer;

/**
 * The protocol half of one network check attempt: bytes in, bytes out, a verdict. It does no I/O and reads no
 * clock; the engine owns the socket, TLS, the deadline and the byte cap.
 *
 * <p>One instance serves one attempt and is called on one thread, never concurrently.
 */
public interface Conversation {

  /** The transport is ready: TCP connected (and TLS handshaken), or the UDP socket connected. */
  Step onConnected();

  /**
   * Bytes arrived, or the peer closed.
   *
   * @param data the new bytes from position to limit; valid only during this call, so copy what you keep
   * @param endOfStream true once the peer has closed its side (then {@code data} is empty); answering
   *     {@link Step#await()} to it is reported as {@link DownReason#CLOSED}
   */
  Step onReceive(ByteBuffer data, boolean endOfStream);
}
