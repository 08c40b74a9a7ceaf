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

  /**
   * @throws IOException if rtnetlink cannot be opened
   */
  public LinuxAddressManager() throws IOException {
    this.rtnetlink = Rtnetlink.open();
  }

  @Override
  public void add(String interfaceName, VirtualAddress address) throws IOException {
    rtnetlink.add(Rtnetlink.ifindex(interfaceName), interfaceName, address.address(), address.prefixLength());
  }

  @Override
  public void remove(String interfaceName, VirtualAddress address) throws IOException {
    rtnetlink.remove(Rtnetlink.ifindex(interfaceName), interfaceName, address.address(), address.prefixLength());
  }

  @Override
  public void announce(String interfaceName, VirtualAddress address) throws IOException {
    int ifindex = Rtnetlink.ifindex(interfaceName);
    if (address.family() == AddressFamily.IPV4) {
      Announcer.gratuitousArp(interfaceName, ifindex, address.address());
    } else {
      InetAddress linkLocal = null;
      for (Rtnetlink.Address a : rtnetlink.addresses(ifindex, AddressFamily.IPV6)) {
        if (a.address().isLinkLocalAddress()) {
          linkLocal = a.address();
          break;
        }
      }
      if (linkLocal == null) {
        throw new IOException("interface '" + interfaceName + "' has no IPv6 link-local address to announce from");
      }
      Announcer.unsolicitedNa(interfaceName, ifindex, address.address(), linkLocal);
    }
  }

  @Override
  public void close() throws IOException {
    rtnetlink.close();
  }
}
