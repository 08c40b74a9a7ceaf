package dev.lbkit.api;

import java.util.Locale;

/** A transport protocol a virtual service accepts. */
public enum Protocol {
  TCP(6),
  UDP(17),
  SCTP(132);

  private final int ipProtocolNumber;

  Protocol(int ipProtocolNumber) {
    this.ipProtocolNumber = ipProtocolNumber;
  }

  /** The IANA protocol number carried in the IP header (IPPROTO_TCP and so on). */
  public int ipProtocolNumber() {
    return ipProtocolNumber;
  }

  /**
   * The protocol with this IP protocol number.
   *
   * @throws IllegalArgumentException if the number is not TCP, UDP or SCTP
   */
  public static Protocol fromIpProtocolNumber(int number) {
    for (Protocol p : values()) {
      if (p.ipProtocolNumber == number) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "protocol number must be 6 (TCP), 17 (UDP) or 132 (SCTP) but was " + number);
  }

  /**
   * Parses {@code tcp}, {@code udp} or {@code sctp} in any case.
   *
   * @throws IllegalArgumentException naming the value if it is none of them
   */
  public static Protocol parse(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "tcp":
        return TCP;
      case "udp":
        return UDP;
      case "sctp":
        return SCTP;
      default:
        throw new IllegalArgumentException("protocol must be tcp, udp or sctp but was '" + name + "'");
    }
  }
}
