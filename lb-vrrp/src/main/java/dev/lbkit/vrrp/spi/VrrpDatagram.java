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
 */
public record VrrpDatagram(String interfaceName, InetAddress source, InetAddress destination, int ttl,
    byte[] payload, Duration age) {
  public VrrpDatagram {
    requireNonNull(interfaceName, "interfaceName");
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    requireNonNull(age, "age");
    if (age.isNegative()) {
      throw new IllegalArgumentException("age must not be negative but was " + age);
    }
    payload = payload.clone();
  }

  /** A datagram of unknown age (one to send, or from a transport without receive time stamps). */
  public VrrpDatagram(String interfaceName, InetAddress source, InetAddress destination, int ttl, byte[] payload) {
    this(interfaceName, source, destination, ttl, payload, Duration.ZERO);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VrrpDatagram d && interfaceName.equals(d.interfaceName) && source.equals(d.source)
        && destination.equals(d.destination) && ttl == d.ttl && Arrays.equals(payload, d.payload);
  }

  @Override
  public int hashCode() {
    return (interfaceName.hashCode() * 31 + source.hashCode()) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "VrrpDatagram{" + interfaceName + " " + source.getHostAddress() + " -> " + destination.getHostAddress()
        + " ttl " + ttl + ", " + payload.length + " bytes" + (age.isZero() ? "" : ", " + age.toNanos() / 1000
        + " us old") + "}";
  }
}
