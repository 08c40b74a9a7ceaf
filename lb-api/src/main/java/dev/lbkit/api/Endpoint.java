package dev.lbkit.api;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address and a port. Immutable.
 *
 * <p>IPv4-mapped IPv6 addresses ({@code ::ffff:192.0.2.1}) are stored as the IPv4 address they map, so both
 * spellings of one host give equal endpoints and the same {@link #family()}. Port 0 is allowed here; whether it
 * is legal depends on where the endpoint is used (see {@link VirtualService} and {@link LoadBalancedService}).
 *
 * @param address the address, never a host name
 * @param port 0 to 65535
 */
public record Endpoint(InetAddress address, int port) {
  /** The largest TCP/UDP/SCTP port. */
  public static final int MAX_PORT = 65_535;

  public Endpoint {
    requireNonNull(address, "address");
    address = normalize(address);
    if (port < 0 || port > MAX_PORT) {
      throw new IllegalArgumentException(
          "port must be in [0, " + MAX_PORT + "] but was " + port + " (address " + toAddrString(address) + ")");
    }
  }

  /** IPv4 or IPv6. */
  public AddressFamily family() {
    return AddressFamily.of(address);
  }

  /** The same address with another port. */
  public Endpoint withPort(int newPort) {
    return new Endpoint(address, newPort);
  }

  /**
   * Parses {@code 192.0.2.1:80}, {@code [2001:db8::1]:80}, or an address alone (port 0). Never resolves names.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static Endpoint parse(String text) {
    requireNonNull(text, "text");
    String host;
    String portText = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("endpoint '" + text + "' has '[' without ']'");
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("endpoint '" + text + "' must have ':PORT' after ']'");
        }
        portText = rest.substring(1);
      }
    } else {
      int colon = text.indexOf(':');
      if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {
        host = text.substring(0, colon);
        portText = text.substring(colon + 1);
      } else {
        host = text; // an IPv4 address alone, or an IPv6 address without brackets and port
      }
    }
    InetAddress address = parseAddress(host);
    int port = 0;
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("endpoint '" + text + "' has a port that is not a number: '" + portText + "'", e);
      }
    }
    return new Endpoint(address, port);
  }

  /**
   * Parses an IP address literal; host names are rejected, never looked up.
   *
   * @throws IllegalArgumentException if the text is not an IPv4 or IPv6 literal
   */
  public static InetAddress parseAddress(String text) {
    requireNonNull(text, "text");
    if (!InetAddresses.isInetAddress(text)) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
    return normalize(InetAddresses.forString(text));
  }

  /** An IPv4-mapped IPv6 address as its IPv4 address; any other address unchanged (scope ids are kept). */
  public static InetAddress normalize(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      if (mapped) {
        try {
          return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new AssertionError("four bytes are always a valid IPv4 address", e);
        }
      }
    }
    return address;
  }

  /** The address as ipvsadm prints it: dotted quad, or RFC 5952 compressed IPv6 without brackets. */
  public static String toAddrString(InetAddress address) {
    return InetAddresses.toAddrString(address);
  }

  /** {@code 192.0.2.1:80} or {@code [2001:db8::1]:80}, as ipvsadm prints endpoints. */
  @Override
  public String toString() {
    String host = toAddrString(address);
    return family() == AddressFamily.IPV6 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
