package dev.lbkit.ipvs.internal.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

final class NetlinkMessageWriterTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void getFamilyRequest_isTheControllerMessageByteForByte() {
    // little-endian host: len 32, type 0x10 (nlctrl), flags 0, seq 0, pid 0, cmd 3, version 2, reserved,
    // attr len 9 type 2 "IPVS\0" + 3 padding bytes
    byte[] expected = HEX.parseHex("20000000" + "1000" + "0000" + "00000000" + "00000000"
        + "0302" + "0000" + "0900" + "0200" + "4950565300" + "000000");
    assertArrayEquals(expected, GenericNetlink.getFamilyRequest("IPVS").toByteArray());
  }

  @Test
  void attributes_areAlignedAndNestedLengthsCoverChildren() {
    NetlinkMessageWriter w = new NetlinkMessageWriter(8).begin(0x20, 0).genlHeader(1, 1);
    int nest = w.beginNested(1 | Netlink.NLA_F_NESTED);
    w.attrU16(1, 2).attrBe16(4, 80).attrU8(13, 1).attrU64(5, 0x0102030405060708L);
    w.endNested(nest).attrFlag(9);
    byte[] bytes = w.end().toByteArray();
    String hex = HEX.formatHex(bytes);
    assertEquals("40000000" + "2000" + "0000" + "00000000" + "00000000" + "0101" + "0000"
        + "2800" + "0180" // nested, 40 bytes: its header and four aligned children
        + "0600" + "0100" + "0200" + "0000"
        + "0600" + "0400" + "0050" + "0000" // port 80 in network order
        + "0500" + "0d00" + "01" + "000000"
        + "0c00" + "0500" + "0807060504030201"
        + "0400" + "0900", hex);
  }

  @Test
  void parse_readsBackWhatWasWritten() throws Exception {
    NetlinkMessageWriter w = new NetlinkMessageWriter().begin(0x21, Netlink.NLM_F_MULTI).genlHeader(4, 1);
    int nest = w.beginNested(1);
    w.attrString(6, "wlc").attrU32(5, 7).attrBytes(3, new byte[] {10, 0, 0, 1});
    w.endNested(nest);
    byte[] one = w.end().toByteArray();
    ByteBuffer two = ByteBuffer.wrap(ScriptedChannel.concat(one, one)).order(ByteOrder.nativeOrder());
    List<NetlinkMessage> msgs = NetlinkMessage.parseAll(two);
    assertEquals(2, msgs.size());
    NetlinkMessage m = msgs.get(1);
    assertEquals(0x21, m.type());
    assertEquals(Netlink.NLM_F_MULTI, m.flags());
    assertEquals(4, m.genlCommand());
    NetlinkAttributes svc = m.genlAttributes().nested(1);
    assertEquals("wlc", svc.string(6));
    assertEquals(7, svc.u32(5));
    assertArrayEquals(new byte[] {10, 0, 0, 1}, svc.bytes(3));
    assertEquals(3, svc.all().size());
  }

  @Test
  void parse_rejectsLengthsThatRunPastTheDatagram() {
    byte[] m = new NetlinkMessageWriter().begin(0x20, 0).u32(1).end().toByteArray();
    ByteBuffer.wrap(m).order(ByteOrder.nativeOrder()).putInt(0, 64);
    MalformedMessageException e = assertThrows(MalformedMessageException.class,
        () -> NetlinkMessage.parseAll(ByteBuffer.wrap(m)));
    assertTrue(e.getMessage().contains("has length 64 but 20 bytes remain"), e.getMessage());
  }

  @Test
  void attributes_rejectShortValuesNamingTheType() throws Exception {
    byte[] m = new NetlinkMessageWriter().begin(0x20, 0).genlHeader(1, 1).attrU16(4, 80).end().toByteArray();
    NetlinkAttributes a = NetlinkMessage.parseAll(ByteBuffer.wrap(m)).get(0).genlAttributes();
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> a.u32(4));
    assertTrue(e.getMessage().contains("attribute 4 has 2 bytes, needs 4"), e.getMessage());
    assertThrows(MalformedMessageException.class, () -> a.u32(5));
  }
}
