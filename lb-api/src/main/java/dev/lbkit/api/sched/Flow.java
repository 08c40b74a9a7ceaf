package dev.lbkit.api.sched;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import java.net.InetAddress;

/**
 * The first packet of a new connection, as a layer-4 scheduler sees it. Immutable.
 *
 * @param protocol transport protocol
 * @param source client address (IPv4-mapped IPv6 is normalised to IPv4)
 * @param sourcePort client port, 0 to 65535
 * @param destination the address the client sent to (the VIP)
 * @param destinationPort the port the client sent to
 * @param firewallMark the packet's netfilter mark, 0 when none (unsigned 32 bits)
 */
public record Flow(
    Protocol protocol, InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
    int firewallMark) {

  public Flow {
    requireNonNull(protocol, "protocol");
    source = Endpoint.normalize(requireNonNull(source, "source"));
    destination = Endpoint.normalize(requireNonNull(destination, "destination"));
    checkPort("source port", sourcePort);
    checkPort("destination port", destinationPort);
  }

  /** A TCP flow without a mark. */
  public static Flow tcp(Endpoint source, Endpoint destination) {
    return new Flow(Protocol.TCP, source.address(), source.port(), destination.address(), destination.port(), 0);
  }

  /** The client's address and port. */
  public Endpoint sourceEndpoint() {
    return new Endpoint(source, sourcePort);
  }

  /** The address and port the client connected to. */
  public Endpoint destinationEndpoint() {
    return new Endpoint(destination, destinationPort);
  }

  private static void checkPort(String field, int port) {
    if (port < 0 || port > Endpoint.MAX_PORT) {
      throw new IllegalArgumentException(field + " must be in [0, 65535] but was " + port);
    }
  }
}
