package dev.lbkit.vrrp.internal.codec;

import java.util.Locale;

/**
 * Why a received VRRP packet was dropped. Each value names the receive check of RFC 3768 section 7.1 or
 * RFC 5798 section 7.1 that failed; the engine counts them per reason and never throws for a bad packet.
 */
public enum Rejection {
  /** RFC 5798 7.1 / RFC 3768 7.1: the IP TTL or IPv6 hop limit must be 255. */
  TTL("TTL/hop limit is not 255"),
  /** The datagram is shorter than the fixed VRRP header. */
  TOO_SHORT("shorter than the VRRP header"),
  /** RFC 5798 7.1: the version field is neither 2 nor 3, or 2 over IPv6. */
  VERSION("unknown version"),
  /** RFC 5798 7.1: the version differs from the one this instance speaks. */
  VERSION_MISMATCH("version differs from the configured one"),
  /** RFC 5798 5.2.2: the only defined type is 1, ADVERTISEMENT. */
  TYPE("type is not ADVERTISEMENT"),
  /** RFC 5798 7.1: the length must match the address count (and the v2 authentication data). */
  LENGTH("length does not match the address count"),
  /** RFC 5798 5.2.5: at least one address. */
  ADDRESS_COUNT("address count is 0"),
  /** RFC 5798 7.1: the checksum must verify (v3 with the pseudo-header). */
  CHECKSUM("bad checksum"),
  /** An advertisement interval of 0 would make the master-down timer meaningless. */
  INTERVAL_ZERO("advertisement interval is 0"),
  /** RFC 5798 7.1: the VRID must be configured on the receiving interface. */
  VRID("VRID not configured"),
  /** RFC 3768 7.1: the authentication type must match the configured one. */
  AUTH_TYPE("authentication type mismatch"),
  /** RFC 3768 7.1: simple text password must match. */
  AUTH_PASSWORD("authentication password mismatch"),
  /** keepalived's IPsec-AH mode: a protocol-51 datagram that is not a well-formed AH header over VRRP. */
  AH_FORMAT("malformed IPsec authentication header"),
  /** keepalived's IPsec-AH mode: the HMAC-MD5-96 ICV does not verify (another auth_pass, or the packet changed). */
  AUTH_AH_ICV("IPsec-AH ICV does not verify (wrong auth_pass?)"),
  /** keepalived's IPsec-AH mode: the SPI is not the sender's address. */
  AUTH_AH_SPI("IPsec-AH SPI is not the sender's address"),
  /** keepalived's IPsec-AH mode: the sequence number is not above the last one seen (a replay, or a restarted peer). */
  AUTH_AH_SEQUENCE("IPsec-AH sequence number already seen"),
  /** RFC 3768 7.1: in VRRPv2 the advertisement interval must match the configured one. */
  INTERVAL_MISMATCH("advertisement interval mismatch"),
  /** RFC 5798 7.1: the address list must match the configured one unless the sender is the owner (255). */
  ADDRESS_MISMATCH("address list does not match"),
  /** A packet of the other address family than the instance's. */
  ADDRESS_FAMILY("address family differs from the instance's"),
  /** RFC 5798 7.1 (IPv6): the source must be a link-local address. */
  SOURCE_NOT_LINK_LOCAL("IPv6 source is not link-local"),
  /** With unicast peers configured, a sender that is not one of them (keepalived does the same). */
  UNKNOWN_PEER("sender is not a configured unicast peer"),
  /** Our own advertisement looped back (same source as our primary address). */
  OWN_PACKET("our own advertisement");

  private final String description;

  Rejection(String description) {
    this.description = description;
  }

  /** For an operator: "bad checksum". */
  public String description() {
    return description;
  }

  /** The counter key: {@code checksum}, {@code auth_password}, ... */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
