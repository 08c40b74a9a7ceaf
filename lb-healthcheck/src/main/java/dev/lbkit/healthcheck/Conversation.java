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

  /**
   * The deadline passed after {@link #onConnected()} without a verdict. Most protocols are down then, which is
   * the default; keepalived's UDP check without {@code require_reply} is up, since silence is all a working UDP
   * server may give.
   *
   * @param timeout the {@link DownReason#TIMEOUT} result the engine would report
   * @return the result to report
   */
  default CheckResult onDeadline(CheckResult.Down timeout) {
    return timeout;
  }
}
