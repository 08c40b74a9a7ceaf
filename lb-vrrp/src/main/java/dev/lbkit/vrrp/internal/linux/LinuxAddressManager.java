package dev.lbkit.vrrp.internal.linux;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.spi.AddressManager;
import java.io.IOException;
import java.net.InetAddress;

/**
 * Virtual addresses on Linux interfaces through rtnetlink (lb-ipvs's shared netlink layer), announced with
 * gratuitous ARP or unsolicited neighbour advertisements. Thread-safe.
 */
public final class LinuxAddressManager implements AddressManager, AutoCloseable {
  private final Rtnetlink rtnetlink;
  private final Announcer announcer = new Announcer();
  private final java.util.Map<String, Integer> ifindexes = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, byte[]> macs = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, InetAddress> linkLocals = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @throws IOException if rtnetlink cannot be opened
   */
  public LinuxAddressManager() throws IOException {
    this.rtnetlink = Rtnetlink.open();
  }

  /** The cached index: a takeover must not wait for Java's interface enumeration. */
  private int ifindex(String interfaceName) throws IOException {
    Integer cached = ifindexes.get(interfaceName);
    if (cached != null) {
      return cached;
    }
    int index = Rtnetlink.ifindex(interfaceName);
    ifindexes.put(interfaceName, index);
    return index;
  }

  @Override
  public void prepare(String interfaceName) throws IOException {
    ifindex(interfaceName);
    if (!macs.containsKey(interfaceName)) {
      macs.put(interfaceName, Announcer.mac(interfaceName));
    }
  }

  @Override
  public void add(String interfaceName, VirtualAddress address) throws IOException {
    try {
      rtnetlink.add(ifindex(interfaceName), interfaceName, address.address(), address.prefixLength());
    } catch (IOException e) {
      // the interface may have been re-created with a new index: look it up again once
      ifindexes.remove(interfaceName);
      rtnetlink.add(ifindex(interfaceName), interfaceName, address.address(), address.prefixLength());
    }
  }

  @Override
  public void remove(String interfaceName, VirtualAddress address) throws IOException {
    try {
      rtnetlink.remove(ifindex(interfaceName), interfaceName, address.address(), address.prefixLength());
    } catch (IOException e) {
      ifindexes.remove(interfaceName);
      rtnetlink.remove(ifindex(interfaceName), interfaceName, address.address(), address.prefixLength());
    }
  }

  @Override
  public void announce(String interfaceName, VirtualAddress address) throws IOException {
    int ifindex = ifindex(interfaceName);
    byte[] mac = macs.get(interfaceName);
    if (mac == null) {
      mac = Announcer.mac(interfaceName);
      macs.put(interfaceName, mac);
    }
    if (address.family() == AddressFamily.IPV4) {
      announcer.gratuitousArp(interfaceName, ifindex, mac, address.address());
    } else {
      InetAddress linkLocal = linkLocals.get(interfaceName);
      if (linkLocal == null) {
        for (Rtnetlink.Address a : rtnetlink.addresses(ifindex, AddressFamily.IPV6)) {
          if (a.address().isLinkLocalAddress()) {
            linkLocal = a.address();
            break;
          }
        }
        if (linkLocal == null) {
          throw new IOException("interface '" + interfaceName + "' has no IPv6 link-local address to announce from");
        }
        linkLocals.put(interfaceName, linkLocal);
      }
      Announcer.unsolicitedNa(interfaceName, ifindex, mac, address.address(), linkLocal);
    }
  }

  @Override
  public void close() throws IOException {
    announcer.close();
    rtnetlink.close();
  }
}
