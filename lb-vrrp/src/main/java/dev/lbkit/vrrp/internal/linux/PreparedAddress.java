package dev.lbkit.vrrp.internal.linux;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter;
import dev.lbkit.vrrp.VirtualAddress;
import java.net.InetAddress;

/**
 * Everything a takeover sends for one virtual address on one interface, built ahead: the RTM_NEWADDR and
 * RTM_DELADDR requests (the netlink connection patches in sequence number and port id when it sends), and the
 * gratuitous ARP frame with its sockaddr_ll (IPv4) or the neighbour advertisement with its source and destination
 * sockaddr_in6 (IPv6; no source when the interface had no link-local address yet). Immutable once built: the
 * writers are only read ({@code toByteArray}) after {@code end()}.
 *
 * @param ifindex the interface index the messages name
 * @param mac the hardware address the announcement carries
 * @param add RTM_NEWADDR, ended
 * @param remove RTM_DELADDR, ended
 * @param announcement the ARP frame or the ICMPv6 neighbour advertisement
 * @param destination sockaddr_ll (broadcast) or sockaddr_in6 (ff02::1) of the announcement
 * @param linkLocal IPv6: the address the advertisement is sent from, or null if unknown; IPv4: null
 * @param source IPv6: the sockaddr_in6 of {@code linkLocal}, or null; IPv4: null
 */
record PreparedAddress(String interfaceName, int ifindex, byte[] mac, VirtualAddress address,
    NetlinkMessageWriter add, NetlinkMessageWriter remove, byte[] announcement, byte[] destination,
    InetAddress linkLocal, byte[] source) {

  /** Builds the messages for {@code address} on the interface; {@code linkLocal} may be null (IPv4, or unknown). */
  static PreparedAddress of(String interfaceName, int ifindex, byte[] mac, VirtualAddress address,
      InetAddress linkLocal) {
    InetAddress a = address.address();
    NetlinkMessageWriter add = Rtnetlink.addMessage(ifindex, a, address.prefixLength());
    NetlinkMessageWriter remove = Rtnetlink.removeMessage(ifindex, a, address.prefixLength());
    if (address.family() == AddressFamily.IPV4) {
      return new PreparedAddress(interfaceName, ifindex, mac.clone(), address, add, remove, Announcer.arpFrame(mac, a),
          Announcer.arpDestination(ifindex), null, null);
    }
    return new PreparedAddress(interfaceName, ifindex, mac.clone(), address, add, remove, Announcer.naMessage(mac, a),
        Announcer.allNodes(ifindex), linkLocal, linkLocal == null ? null : RawVrrpSocket.sockaddr(linkLocal, ifindex));
  }
}
