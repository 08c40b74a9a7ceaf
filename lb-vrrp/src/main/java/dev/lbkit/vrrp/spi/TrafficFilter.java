package dev.lbkit.vrrp.spi;

import dev.lbkit.vrrp.VirtualAddress;
import java.util.List;

/**
 * Drops IP traffic addressed to virtual addresses, for RFC 5798 accept mode. A Master that does not own the addresses
 * (priority below 255) and runs with accept mode off must not accept packets addressed to them, yet must still answer
 * ARP and IPv6 neighbour discovery for them (RFC 5798 6.4.3). The router blocks an instance's addresses just before
 * it adds them on becoming Master and unblocks them just after it removes them on leaving Master or closing;
 * implementations drop packets to a blocked address on input and packets from it on output, but never ARP and never
 * ICMPv6 neighbour solicitations or advertisements (keepalived's {@code no_accept} does the same with nftables).
 *
 * <p>Implementations: {@code LinuxVrrp.trafficFilter()} (nftables) and the in-memory hosts of
 * {@link dev.lbkit.vrrp.InMemoryVrrpNetwork}. Called from the router's engine thread; an implementation that is also
 * {@link AutoCloseable} is closed with the router and then removes every rule it installed.
 */
public interface TrafficFilter {
  /**
   * Starts dropping traffic to (and from) these addresses. Blocking an address already blocked is not an error.
   *
   * @throws TrafficFilterException if the rules cannot be installed (tool missing, no permission, rule refused)
   */
  void block(String interfaceName, List<VirtualAddress> addresses) throws TrafficFilterException;

  /**
   * Stops dropping traffic to these addresses. Unblocking an address not blocked is not an error.
   *
   * @throws TrafficFilterException if the rules cannot be removed
   */
  void unblock(String interfaceName, List<VirtualAddress> addresses) throws TrafficFilterException;
}
