package dev.lbkit.vrrp.internal.linux;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.spi.AddressManager;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual addresses on Linux interfaces through rtnetlink (lb-ipvs's shared netlink layer), announced with
 * gratuitous ARP or unsolicited neighbour advertisements. Thread-safe: lookups read an immutable snapshot per
 * interface; {@link #prepare} and the rare re-preparation after an interface change replace it under the lock.
 *
 * <p>A takeover sends bytes built ahead ({@link PreparedAddress}): {@link #prepare(String, Collection)} builds the
 * RTM_NEWADDR/RTM_DELADDR requests and the ARP/NA frames of an instance's addresses when it starts and when it is
 * reloaded, and again whenever the interface's index or hardware address is found changed (a request refused
 * because the interface was re-created). An address nobody prepared is prepared at its first use.
 */
public final class LinuxAddressManager implements AddressManager, AutoCloseable {
  /**
   * Enough calls for C1 to compile the request path. Tier3InvocationThreshold is 200, but HotSpot raises it with the
   * length of the compile queue, which the takeover warm-up has just filled: with 500 the request path (sequence,
   * put, request, the ACK's parsing and the NIO buffer methods under them) was compiled only in the first real
   * takeovers, whose compiler thread then took a core from the takeover and its observers (lab runs d2-d3). Some
   * 10-20 ms at start.
   */
  static final int WARM_UP_REQUESTS = 2_000;
  private static final Logger log = LoggerFactory.getLogger(LinuxAddressManager.class);
  private final Rtnetlink rtnetlink;
  private final Announcer announcer = new Announcer();
  /** Per interface: the prepared messages of every address seen on it (immutable maps, replaced whole). */
  private final Map<String, Map<VirtualAddress, PreparedAddress>> prepared = new ConcurrentHashMap<>();

  private final Interfaces interfaces;
  private boolean warmed;

  /** How the manager learns an interface's index and hardware address (the system's, or a test's). */
  interface Interfaces {
    int ifindex(String interfaceName) throws IOException;

    byte[] mac(String interfaceName) throws IOException;
  }

  /**
   * @throws IOException if rtnetlink cannot be opened
   */
  public LinuxAddressManager() throws IOException {
    this(new Interfaces() {
      @Override
      public int ifindex(String interfaceName) throws IOException {
        return Rtnetlink.ifindex(interfaceName);
      }

      @Override
      public byte[] mac(String interfaceName) throws IOException {
        return Announcer.mac(interfaceName);
      }
    });
  }

  LinuxAddressManager(Interfaces interfaces) throws IOException {
    this.interfaces = interfaces;
    this.rtnetlink = Rtnetlink.open();
  }

  @Override
  public void prepare(String interfaceName) throws IOException {
    prepare(interfaceName, List.of());
  }

  /**
   * Looks up the interface's index and hardware address afresh (and its IPv6 link-local address when an address is
   * IPv6) and builds the messages of {@code addresses}; the addresses prepared before on the interface are built
   * again if the index or hardware address changed.
   */
  @Override
  public synchronized void prepare(String interfaceName, Collection<VirtualAddress> addresses) throws IOException {
    int ifindex = interfaces.ifindex(interfaceName);
    byte[] mac = interfaces.mac(interfaceName);
    InetAddress linkLocal = null;
    Map<VirtualAddress, PreparedAddress> before = prepared.getOrDefault(interfaceName, Map.of());
    boolean ipv6 = addresses.stream().anyMatch(a -> a.family() == AddressFamily.IPV6)
        || before.keySet().stream().anyMatch(a -> a.family() == AddressFamily.IPV6);
    if (ipv6) {
      linkLocal = linkLocal(ifindex);
    }
    Map<VirtualAddress, PreparedAddress> next = new HashMap<>();
    for (VirtualAddress a : before.keySet()) {
      next.put(a, PreparedAddress.of(interfaceName, ifindex, mac, a, linkLocal));
    }
    for (VirtualAddress a : addresses) {
      next.put(a, PreparedAddress.of(interfaceName, ifindex, mac, a, linkLocal));
    }
    Map<VirtualAddress, PreparedAddress> ready = Map.copyOf(next);
    prepared.put(interfaceName, ready);
    for (VirtualAddress a : addresses) {
      ready.get(a); // links the record's hashCode and equals (an invokedynamic each) here, not at the takeover
    }
    if (!warmed) {
      warmed = true;
      warmUp(ifindex);
    }
  }

  /**
   * Readies the takeover path without touching the network or the addresses: opens the packet socket of the
   * gratuitous ARPs, and makes {@link #WARM_UP_REQUESTS} read-only rtnetlink requests (RTM_GETLINK of the interface,
   * with an ACK) through the same request/ACK code an RTM_NEWADDR takes, so that code is loaded, linked and compiled
   * by the time a Backup takes over (a few times in its life: otherwise it would always run in the interpreter).
   */
  private void warmUp(int ifindex) {
    try {
      announcer.open("warm-up");
      rtnetlink.warmUp(ifindex, WARM_UP_REQUESTS);
    } catch (IOException e) {
      log.debug("warm-up of the takeover path failed; a takeover pays for it instead", e);
    }
  }

  /** The prepared messages of the address, preparing them if nobody did. */
  PreparedAddress prepared(String interfaceName, VirtualAddress address) throws IOException {
    Map<VirtualAddress, PreparedAddress> onInterface = prepared.get(interfaceName);
    PreparedAddress p = onInterface == null ? null : onInterface.get(address);
    if (p != null) {
      return p;
    }
    prepare(interfaceName, List.of(address));
    return prepared.get(interfaceName).get(address);
  }

  /** After a refused request: the interface may have been re-created with a new index; prepare it all again. */
  private PreparedAddress reprepared(String interfaceName, VirtualAddress address) throws IOException {
    prepare(interfaceName, List.of(address));
    return prepared.get(interfaceName).get(address);
  }

  @Override
  public void add(String interfaceName, VirtualAddress address) throws IOException {
    PreparedAddress p = prepared(interfaceName, address);
    try {
      rtnetlink.add(p.add(), interfaceName, address.address(), address.prefixLength());
    } catch (IOException e) {
      p = reprepared(interfaceName, address);
      rtnetlink.add(p.add(), interfaceName, address.address(), address.prefixLength());
    }
  }

  /**
   * Looks the addresses' prepared messages up and makes one read-only rtnetlink request (RTM_GETLINK of the interface,
   * with its ACK) through the code an RTM_NEWADDR takes. Changes nothing; errors are ignored.
   */
  @Override
  public void prime(String interfaceName, List<VirtualAddress> addresses) {
    Map<VirtualAddress, PreparedAddress> onInterface = prepared.get(interfaceName);
    if (onInterface == null) {
      return;
    }
    int ifindex = -1;
    for (VirtualAddress a : addresses) {
      PreparedAddress p = onInterface.get(a);
      if (p != null) {
        ifindex = p.ifindex();
      }
    }
    if (ifindex < 0) {
      return;
    }
    try {
      rtnetlink.warmUp(ifindex, 1);
    } catch (IOException e) {
      // only the takeover's caches stay cold
    }
  }

  @Override
  public void remove(String interfaceName, VirtualAddress address) throws IOException {
    PreparedAddress p = prepared(interfaceName, address);
    try {
      rtnetlink.remove(p.remove(), interfaceName, address.address(), address.prefixLength());
    } catch (IOException e) {
      p = reprepared(interfaceName, address);
      rtnetlink.remove(p.remove(), interfaceName, address.address(), address.prefixLength());
    }
  }

  @Override
  public void announce(String interfaceName, VirtualAddress address) throws IOException {
    PreparedAddress p = prepared(interfaceName, address);
    if (address.family() == AddressFamily.IPV4) {
      announcer.sendArp(interfaceName, p.announcement(), p.destination(), address.address());
      return;
    }
    if (p.source() == null) {
      // no link-local address when prepared (still in duplicate address detection, say): look again
      p = reprepared(interfaceName, address);
      if (p.source() == null) {
        throw new IOException("interface '" + interfaceName + "' has no IPv6 link-local address to announce from");
      }
    }
    Announcer.sendNa(interfaceName, p.ifindex(), p.announcement(), p.source(), p.destination(), address.address(),
        p.linkLocal());
  }

  /** The interface's first IPv6 link-local address, or null. */
  private InetAddress linkLocal(int ifindex) throws IOException {
    for (Rtnetlink.Address a : rtnetlink.addresses(ifindex, AddressFamily.IPV6)) {
      if (a.address().isLinkLocalAddress()) {
        return a.address();
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    announcer.close();
    rtnetlink.close();
  }
}
