package dev.lbkit.vrrp.spi;

import dev.lbkit.vrrp.VirtualAddress;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Puts virtual addresses on interfaces and announces them (gratuitous ARP, unsolicited neighbour advertisement).
 * Called from the router's engine thread.
 */
public interface AddressManager {
  /**
   * Adds the address; already present is not an error.
   *
   * @throws IOException if the kernel refuses (for example without CAP_NET_ADMIN)
   */
  void add(String interfaceName, VirtualAddress address) throws IOException;

  /**
   * Removes the address; already absent is not an error.
   *
   * @throws IOException if the kernel refuses
   */
  void remove(String interfaceName, VirtualAddress address) throws IOException;

  /**
   * Sends one gratuitous ARP request (IPv4) or unsolicited neighbour advertisement (IPv6) for the address.
   *
   * @throws IOException if sending fails
   */
  void announce(String interfaceName, VirtualAddress address) throws IOException;

  /**
   * Looks up ahead what {@link #add} and {@link #announce} need for the interface (its index, its hardware address),
   * so that a takeover does not pay for it. Called when an instance starts; optional, the default does nothing.
   *
   * @throws IOException if the lookup fails; the instance starts anyway and the lookup happens again when needed
   */
  default void prepare(String interfaceName) throws IOException {}

  /**
   * Like {@link #prepare(String)}, and builds ahead what adding, removing and announcing each of {@code addresses}
   * sends, so that a takeover only sends prepared bytes. Called when an instance starts and when it is reloaded;
   * calling it again looks the interface up afresh. The default calls {@link #prepare(String)}.
   *
   * @throws IOException if the lookup fails; the instance starts anyway and the lookup happens again when needed
   */
  default void prepare(String interfaceName, Collection<VirtualAddress> addresses) throws IOException {
    prepare(interfaceName);
  }

  /**
   * Runs through what {@link #add} of these addresses runs without changing anything: the router calls it in the last
   * few hundred microseconds before a master-down deadline, so that the takeover does not pay for cold caches. Must
   * not throw and must not change the interface; the default does nothing.
   */
  default void prime(String interfaceName, List<VirtualAddress> addresses) {}
}
