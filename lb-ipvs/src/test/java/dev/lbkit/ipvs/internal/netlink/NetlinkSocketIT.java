package dev.lbkit.ipvs.internal.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The netlink layer against the running kernel (host or lab): generic netlink controller and rtnetlink dumps. */
final class NetlinkSocketIT {
  private static final int RTM_GETLINK = 18; // RTM_GETLINK
  private static final int IFINFOMSG_LENGTH = 16; // struct ifinfomsg
  private static final int IFLA_IFNAME = 3; // IFLA_IFNAME: string

  @Test
  void generic_resolvesTheControllerItself() throws Exception {
    try (NetlinkConnection c = NetlinkConnection.open(NetlinkProtocol.GENERIC)) {
      assertNotEquals(0, c.portId());
      Optional<GenericNetlink.Family> ctrl = GenericNetlink.resolve(c, "nlctrl");
      assertEquals(Netlink.GENL_ID_CTRL, ctrl.orElseThrow().id());
      assertEquals("nlctrl", ctrl.get().name());
    }
  }

  @Test
  void generic_unknownFamilyIsEmpty() throws Exception {
    try (NetlinkConnection c = NetlinkConnection.open(NetlinkProtocol.GENERIC)) {
      assertEquals(Optional.empty(), GenericNetlink.resolve(c, "lbkit-no-such"));
    }
  }

  @Test
  void generic_aRequestThePolicyRefuses_comesBackWithErrnoAndTheKernelsExtendedAck() throws Exception {
    // CTRL_ATTR_FAMILY_ID is a u16 in the controller's policy; one byte of it fails the policy's length check, and
    // the kernel says so in an extended ACK: its message and the offset of the attribute in the request
    NetlinkMessageWriter w = new NetlinkMessageWriter(64).begin(Netlink.GENL_ID_CTRL, 0)
        .genlHeader(Netlink.CTRL_CMD_GETFAMILY, Netlink.CTRL_VERSION)
        .attrBytes(Netlink.CTRL_ATTR_FAMILY_ID, new byte[] {1})
        .end();
    int attributeOffset = Netlink.HEADER_LENGTH + 4; // nlmsghdr, then genlmsghdr, then the one attribute
    try (NetlinkConnection c = NetlinkConnection.open(NetlinkProtocol.GENERIC)) {
      NetlinkException e = assertThrows(NetlinkException.class, () -> c.execute("get family by a 1-byte id", w));
      assertEquals(Errno.ERANGE, e.errno(), e.getMessage());
      assertEquals(Optional.of("Attribute failed policy validation"), e.extAckMessage(), e.getMessage());
      assertEquals(OptionalInt.of(attributeOffset), e.extAckOffset(), e.getMessage());
      assertEquals("get family by a 1-byte id: out of range (ERANGE): Attribute failed policy validation",
          e.getMessage());
      // the connection is still in step: the next request gets its own answer
      assertEquals("nlctrl", GenericNetlink.resolve(c, "nlctrl").orElseThrow().name());
    }
  }

  @Test
  void route_dumpsLinksIncludingLoopback() throws Exception {
    try (NetlinkConnection c = NetlinkConnection.open(NetlinkProtocol.ROUTE)) {
      NetlinkMessageWriter req = new NetlinkMessageWriter().begin(RTM_GETLINK, 0).u8(0).u8(0).u16(0).u32(0).u32(0)
          .u32(0).end();
      List<String> names = c.dump("list links", req, m -> m.attributesAfter(IFINFOMSG_LENGTH).string(IFLA_IFNAME));
      assertTrue(names.contains("lo"), names.toString());
    }
  }

  @Test
  void route_smallDumpsTakeTheSameLinksAsBigOnes() throws Exception {
    NetlinkMessageWriter req = new NetlinkMessageWriter().begin(RTM_GETLINK, 0).u8(0).u8(0).u16(0).u32(0).u32(0)
        .u32(0).end();
    try (NetlinkConnection big = NetlinkConnection.open(NetlinkProtocol.ROUTE);
        NetlinkConnection small = NetlinkConnection.open(NetlinkProtocol.ROUTE)) {
      small.receiveSmallDumps(NetlinkConnection.SMALL_DUMP_RECEIVE);
      List<String> expected = big.dump("list links", req, m -> m.attributesAfter(IFINFOMSG_LENGTH).string(IFLA_IFNAME));
      for (int i = 0; i < 3; i++) { // recvmmsg: data and NLMSG_DONE in one call while the dump stays small
        assertEquals(expected, small.dump("list links", req,
            m -> m.attributesAfter(IFINFOMSG_LENGTH).string(IFLA_IFNAME)));
      }
    }
  }
}
