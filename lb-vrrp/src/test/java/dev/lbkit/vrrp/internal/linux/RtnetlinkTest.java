package dev.lbkit.vrrp.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.ipvs.internal.netlink.MalformedMessageException;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessage;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Decoding address dumps without a socket. */
final class RtnetlinkTest {
  @Test
  void decode_readsWhatAddMessageWrites() throws Exception {
    InetAddress vip = InetAddress.getByName("10.99.0.100");
    NetlinkMessage m = NetlinkMessage.parseAll(ByteBuffer.wrap(Rtnetlink.addMessage(7, vip, 24).toByteArray()))
        .get(0);
    // addMessage writes RTM_NEWADDR, the type a dump answers with
    Rtnetlink.Address a = Rtnetlink.decode(m, 7);
    assertEquals(vip, a.address());
    assertEquals(24, a.prefixLength());
    assertEquals(null, Rtnetlink.decode(m, 8), "another interface's address is skipped");
  }

  @Test
  void decode_shortAddressMessage_isRefusedAsMalformed() throws Exception {
    // an RTM_NEWADDR too short for its ifaddrmsg once failed with an IndexOutOfBoundsException
    NetlinkMessage m = NetlinkMessage.parseAll(ByteBuffer.wrap(new NetlinkMessageWriter().begin(Rtnetlink.RTM_NEWADDR, 0)
        .u32(0).end().toByteArray())).get(0);
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Rtnetlink.decode(m, 1));
    assertTrue(e.getMessage().contains("RTM_NEWADDR of 4 payload bytes"), e.getMessage());
  }
}
