package dev.lbkit.healthcheck;

/** How a {@link NetworkCheck} reaches its target. TLS is layered on {@link #TCP} by {@link NetworkCheck#tls()}. */
public enum Transport {
  /** A TCP connection, optionally with TLS. */
  TCP,
  /** A connected UDP socket: one datagram out, datagrams back; ICMP port unreachable means refused. */
  UDP
}
