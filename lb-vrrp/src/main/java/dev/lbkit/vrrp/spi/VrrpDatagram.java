package dev.lbkit.vrrp.spi;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * A VRRP datagram as it crosses the transport: the IP payload with the IP header fields VRRP checks.
 *
 * @param interfaceName the interface it was received on or is to be sent from
 * @param source IP source
 * @param destination IP destination: 224.0.0.18, ff02::12 or a unicast peer
 * @param ttl IPv4 TTL / IPv6 hop limit (always 255 on send)
 * @param payload the VRRP message
 * @param age for a received datagram, how long ago it arrived (the kernel's receive time stamp) when the transport
 *     handed it over from {@link VrrpTransport#receive}; the router starts its timers from the arrival, not from the
 *     moment it got to read the datagram. {@link Duration#ZERO} when unknown and for datagrams to send. Not part of
 *     {@link #equals}: the same bytes are the same datagram whenever they arrived.
 * @param ipHeader empty for plain VRRP (IP protocol 112, the VRRP message is the payload and the kernel writes the IP
 *     header); for keepalived's IPsec-AH mode (IP protocol 51) the IPv4 header as sent or received, because the
 *     authentication covers it: the payload is then the AH header followed by the VRRP message, and a transport sends
 *     the header as given (IP_HDRINCL)
 */
public record VrrpDatagram(String interfaceName, InetAddress source, InetAddress destination, int ttl,
    byte[] payload, Duration age, byte[] ipHeader) {
  private static final byte[] NONE = new byte[0];

  public VrrpDatagram {
    requireNonNull(interfaceName, "interfaceName");
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    requireNonNull(age, "age");
    if (age.isNegative()) {
      throw new IllegalArgumentException("age must not be negative but was " + age);
    }
    payload = payload.clone();
    ipHeader = ipHeader.length == 0 ? NONE : ipHeader.clone();
  }

  /** A plain VRRP datagram (IP protocol 112) that arrived {@code age} ago. */
  public VrrpDatagram(String interfaceName, InetAddress source, InetAddress destination, int ttl, byte[] payload,
      Duration age) {
    this(interfaceName, source, destination, ttl, payload, age, NONE);
  }

  /** A plain VRRP datagram of unknown age (one to send, or from a transport without receive time stamps). */
  public VrrpDatagram(String interfaceName, InetAddress source, InetAddress destination, int ttl, byte[] payload) {
    this(interfaceName, source, destination, ttl, payload, Duration.ZERO, NONE);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public byte[] ipHeader() {
    return ipHeader.length == 0 ? NONE : ipHeader.clone();
  }

  /** Whether this is an IPsec-AH datagram (IP protocol 51) carrying its IPv4 header, see {@link #ipHeader()}. */
  public boolean authenticated() {
    return ipHeader.length > 0;
  }

  /** The same datagram, {@code newAge} old. */
  public VrrpDatagram withAge(Duration newAge) {
    return new VrrpDatagram(interfaceName, source, destination, ttl, payload, newAge, ipHeader);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VrrpDatagram d && interfaceName.equals(d.interfaceName) && source.equals(d.source)
        && destination.equals(d.destination) && ttl == d.ttl && Arrays.equals(payload, d.payload)
        && Arrays.equals(ipHeader, d.ipHeader);
  }

  @Override
  public int hashCode() {
    return (interfaceName.hashCode() * 31 + source.hashCode()) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "VrrpDatagram{" + interfaceName + " " + source.getHostAddress() + " -> " + destination.getHostAddress()
        + " ttl " + ttl + ", " + (ipHeader.length > 0 ? "IPsec-AH, " : "") + payload.length + " bytes"
        + (age.isZero() ? "" : ", " + age.toNanos() / 1000 + " us old") + "}";
  }
}
