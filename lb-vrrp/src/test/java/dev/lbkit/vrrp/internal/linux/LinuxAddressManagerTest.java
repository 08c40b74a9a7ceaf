package dev.lbkit.vrrp.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lbkit.vrrp.VirtualAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The messages a takeover sends are built ahead, byte for byte what building them at the takeover gave (the layouts
 * below are written out from the kernel headers and RFC 826 / RFC 4861, not from the code under test), and built
 * again when the interface's index or hardware address changes. Nothing is sent: the interface lookups are a test's.
 */
final class LinuxAddressManagerTest {
  private static final byte[] MAC = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
  private static final byte[] OTHER_MAC = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x31};

  private int ifindex = 7;
  private byte[] mac = MAC;
  private int lookups;

  @BeforeEach
  void needsLinux() {
    assumeTrue(LibC.unavailabilityCause() == null, "needs 64-bit Linux");
  }

  private LinuxAddressManager manager() throws IOException {
    return new LinuxAddressManager(new LinuxAddressManager.Interfaces() {
      @Override
      public int ifindex(String interfaceName) {
        lookups++;
        return ifindex;
      }

      @Override
      public byte[] mac(String interfaceName) {
        return mac;
      }
    });
  }

  /** nlmsghdr + ifaddrmsg + IFA_LOCAL + IFA_ADDRESS, as include/uapi/linux/{netlink,if_addr}.h lay them out. */
  private static byte[] addressRequest(int type, int flags, int family, int prefix, int ifaFlags, int index,
      byte[] address) {
    int attr = 4 + address.length;
    int length = 16 + 8 + 2 * attr;
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    b.putInt(length).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    b.put((byte) family).put((byte) prefix).put((byte) ifaFlags).put((byte) 0).putInt(index);
    b.putShort((short) attr).putShort((short) 2).put(address); // IFA_LOCAL
    b.putShort((short) attr).putShort((short) 1).put(address); // IFA_ADDRESS
    return b.array();
  }

  private static byte[] arp(byte[] mac, byte[] ip) {
    ByteBuffer b = ByteBuffer.allocate(28);
    b.put(new byte[] {0, 1, 8, 0, 6, 4, 0, 1}).put(mac).put(ip).put(new byte[] {-1, -1, -1, -1, -1, -1}).put(ip);
    return b.array();
  }

  @Test
  void ipv4_preparedRequestsAndArpFrame_areTheTakeoversBytes() throws Exception {
    VirtualAddress vip = VirtualAddress.parse("192.0.2.10/24");
    byte[] ip = {(byte) 192, 0, 2, 10};
    try (LinuxAddressManager m = manager()) {
      m.prepare("eth0", List.of(vip));
      PreparedAddress p = m.prepared("eth0", vip);
      // RTM_NEWADDR 20, NLM_F_CREATE 0x400 | NLM_F_EXCL 0x200; AF_INET 2; RTM_DELADDR 21
      assertArrayEquals(addressRequest(20, 0x600, 2, 24, 0, 7, ip), p.add().toByteArray());
      assertArrayEquals(addressRequest(21, 0, 2, 24, 0, 7, ip), p.remove().toByteArray());
      assertArrayEquals(arp(MAC, ip), p.announcement());
      ByteBuffer ll = ByteBuffer.wrap(p.destination()).order(ByteOrder.nativeOrder());
      assertEquals(17, ll.getShort(0)); // AF_PACKET
      assertEquals(0x0806, ByteBuffer.wrap(p.destination()).getShort(2) & 0xffff); // ETH_P_ARP, network order
      assertEquals(7, ll.getInt(4));
      assertEquals(6, p.destination()[11]);
      assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1}, java.util.Arrays.copyOfRange(p.destination(), 12, 18));
      assertNull(p.source());
    }
  }

  @Test
  void ipv6_preparedRequestsAndNeighbourAdvertisement() throws Exception {
    VirtualAddress vip = VirtualAddress.parse("2001:db8::10/64");
    byte[] ip = InetAddress.getByName("2001:db8::10").getAddress();
    try (LinuxAddressManager m = manager()) {
      m.prepare("eth0", List.of(vip));
      PreparedAddress p = m.prepared("eth0", vip);
      // AF_INET6 10; IFA_F_NODAD 0x02 on the add only
      assertArrayEquals(addressRequest(20, 0x600, 10, 64, 2, 7, ip), p.add().toByteArray());
      assertArrayEquals(addressRequest(21, 0, 10, 64, 0, 7, ip), p.remove().toByteArray());
      ByteBuffer na = ByteBuffer.allocate(32);
      na.put(new byte[] {(byte) 136, 0, 0, 0, 0x20, 0, 0, 0}).put(ip).put(new byte[] {2, 1}).put(MAC);
      assertArrayEquals(na.array(), p.announcement());
      assertArrayEquals(RawVrrpSocket.sockaddr(InetAddress.getByName("ff02::1"), 7), p.destination());
    }
  }

  @Test
  void prepareAgain_rebuildsEveryAddressOfTheInterfaceWithTheNewIndexAndMac() throws Exception {
    VirtualAddress a = VirtualAddress.parse("192.0.2.10/24");
    VirtualAddress b = VirtualAddress.parse("192.0.2.11/32");
    try (LinuxAddressManager m = manager()) {
      m.prepare("eth0", List.of(a));
      PreparedAddress before = m.prepared("eth0", a);
      ifindex = 9; // the interface was re-created
      mac = OTHER_MAC;
      m.prepare("eth0", List.of(b)); // a reload with another address
      PreparedAddress after = m.prepared("eth0", a);
      assertNotSame(before, after);
      assertArrayEquals(addressRequest(20, 0x600, 2, 24, 0, 9, a.address().getAddress()), after.add().toByteArray());
      assertArrayEquals(arp(OTHER_MAC, a.address().getAddress()), after.announcement());
      assertEquals(9, ByteBuffer.wrap(after.destination()).order(ByteOrder.nativeOrder()).getInt(4));
      assertArrayEquals(addressRequest(21, 0, 2, 32, 0, 9, b.address().getAddress()),
          m.prepared("eth0", b).remove().toByteArray());
    }
  }

  @Test
  void prepared_isLookedUpOnce_andAnUnpreparedAddressIsPreparedAtFirstUse() throws Exception {
    VirtualAddress a = VirtualAddress.parse("192.0.2.10/24");
    VirtualAddress late = VirtualAddress.parse("192.0.2.12/24");
    try (LinuxAddressManager m = manager()) {
      m.prepare("eth0", List.of(a));
      int afterPrepare = lookups;
      PreparedAddress p = m.prepared("eth0", a);
      assertEquals(p, m.prepared("eth0", a));
      assertEquals(afterPrepare, lookups, "a prepared address needs no lookup");
      PreparedAddress q = m.prepared("eth0", late);
      assertEquals(afterPrepare + 1, lookups);
      assertArrayEquals(addressRequest(20, 0x600, 2, 24, 0, 7, late.address().getAddress()), q.add().toByteArray());
    }
  }

  @Test
  void warmUp_isReadOnly_theLoopbacksAddressesStayAsTheyWere() throws Exception {
    int lo = Rtnetlink.ifindex("lo");
    try (Rtnetlink r = Rtnetlink.open()) {
      List<Rtnetlink.Address> before = r.addresses(lo, dev.lbkit.api.AddressFamily.IPV4);
      r.warmUp(lo, 20);
      assertEquals(before, r.addresses(lo, dev.lbkit.api.AddressFamily.IPV4));
    }
  }
}
