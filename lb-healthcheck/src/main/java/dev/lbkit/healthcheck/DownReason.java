package dev.lbkit.healthcheck;

import java.util.Locale;

/** Why a check found a destination down. A closed set: consumers branch on it; the detail text is for people. */
public enum DownReason {
  /** The destination answered the SYN with a reset, or an ICMP port unreachable came back (UDP). */
  REFUSED,
  /** No route, host unreachable, network unreachable. */
  UNREACHABLE,
  /** The hard deadline of the check passed: no SYN-ACK, a stalled handshake, or a response that was too slow. */
  TIMEOUT,
  /** The peer reset an established connection. */
  RESET,
  /** The peer closed the connection before a complete answer. */
  CLOSED,
  /** The TLS handshake failed for a reason other than the certificate (garbage instead of TLS, no shared cipher). */
  TLS_HANDSHAKE,
  /** The peer's certificate was rejected: expired, untrusted, or not for this host. */
  CERTIFICATE,
  /** A status outside the accepted set: an HTTP status, an SMTP reply code, a DNS response code. */
  BAD_STATUS,
  /** The MD5 digest of the HTTP body differs from the expected one (keepalived {@code digest}). */
  DIGEST_MISMATCH,
  /** The answer did not contain what was expected (HAProxy {@code expect string}, a DNS answer, a UDP reply). */
  CONTENT_MISMATCH,
  /** The peer sent something that is not the protocol (a malformed status line, headers without end). */
  PROTOCOL_ERROR,
  /** The peer sent more than the check's byte cap. */
  TOO_LARGE,
  /**
   * A DNS answer over UDP came back truncated (TC) and there was no time left to ask again over TCP; when there is,
   * the TCP answer decides instead.
   */
  TRUNCATED,
  /** A MISC_CHECK program exited with a failure status. */
  EXIT_STATUS,
  /** A MISC_CHECK program was killed by a signal the checker did not send (a crash, an OOM kill, an operator). */
  SIGNALED,
  /** An HAProxy agent replied {@code down}, {@code fail} or {@code stopped}. */
  AGENT_DOWN,
  /** An HAProxy agent replied {@code maint}. */
  MAINTENANCE,
  /** Any other local or network I/O failure, including a program that could not be started. */
  IO_ERROR,
  /** The check itself failed unexpectedly (a bug); the detail names the exception. */
  CHECK_ERROR;

  /** The reason as operators read it: {@code "timeout"}, {@code "bad status"}, {@code "tls handshake"}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
