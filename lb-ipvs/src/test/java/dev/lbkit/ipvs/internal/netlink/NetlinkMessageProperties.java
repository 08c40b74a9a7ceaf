package dev.lbkit.ipvs.internal.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link NetlinkMessage#parseAll} reads a heap datagram's headers from its array and any other datagram through the
 * buffer: both ways must split the same bytes into the same messages, or fail with the same words. Hostile error
 * messages give an error or a MalformedMessageException.
 */
final class NetlinkMessageProperties {

  /** What parsing gave: the messages (type, flags, sequence, port id, payload bytes) or the error's message. */
  private static String outcome(ByteBuffer datagram, boolean readOnly) {
    try {
      StringBuilder s = new StringBuilder();
      for (NetlinkMessage m : NetlinkMessage.parseAll(datagram, readOnly)) {
        byte[] p = new byte[m.payload().remaining()];
        m.payload().duplicate().get(p);
        s.append(m.type()).append('/').append(m.flags()).append('/').append(m.sequence()).append('/')
            .append(m.portId()).append('/').append(java.util.HexFormat.of().formatHex(p)).append(';');
        assertEquals(ByteOrder.nativeOrder(), m.payload().order());
        assertEquals(0, m.payload().position());
      }
      return s.toString();
    } catch (MalformedMessageException e) {
      return "error: " + e.getMessage();
    }
  }

  @Property
  void heapAndDirectDatagramsParseAlike(@ForAll("datagrams") byte[] datagram,
      @ForAll @IntRange(min = 0, max = 7) int offset, @ForAll boolean readOnly) {
    String plain = outcome(ByteBuffer.wrap(datagram), readOnly);
    // the same bytes in the middle of a larger array, as a slice (array offset) and as a window (position)
    byte[] big = new byte[datagram.length + offset + 5];
    System.arraycopy(datagram, 0, big, offset, datagram.length);
    assertEquals(plain, outcome(ByteBuffer.wrap(big, offset, datagram.length).slice(), readOnly));
    assertEquals(plain, outcome(ByteBuffer.wrap(big, offset, datagram.length), readOnly));
    ByteBuffer direct = ByteBuffer.allocateDirect(datagram.length);
    direct.put(datagram).flip();
    assertEquals(plain, outcome(direct, readOnly));
    assertEquals(plain, outcome(ByteBuffer.wrap(datagram).asReadOnlyBuffer(), readOnly));
  }

  /**
   * An NLMSG_ERROR, capped or quoting its request, with or without extended-ACK attributes, a byte changed or the end
   * cut off: {@link NetlinkConnection#errorOf} gives the error (or null for an ACK) or a MalformedMessageException.
   */
  @Property(tries = 3000) // one try in about 800 hits a bad quoted length; a few seconds
  void anyErrorMessage_givesTheErrorOrIsMalformed(@ForAll boolean capped, @ForAll boolean tlvs,
      @ForAll @IntRange(min = 0, max = 24) int requestPayload, @ForAll @IntRange(min = 0, max = 200) int errno,
      @ForAll @IntRange(min = 0, max = 47) int position, @ForAll byte value, @ForAll boolean truncate) {
    // positions up to 47: the headers, the error code, the quoted request's header, the first attribute
    NetlinkMessageWriter w = new NetlinkMessageWriter().begin(Netlink.NLMSG_ERROR,
        (capped ? Netlink.NLM_F_CAPPED : 0) | (tlvs ? Netlink.NLM_F_ACK_TLVS : 0));
    w.u32(-errno).u32(Netlink.HEADER_LENGTH + requestPayload).u16(0x20).u16(Netlink.NLM_F_REQUEST).u32(1).u32(0);
    if (!capped) {
      w.bytes(new byte[Netlink.align(requestPayload)]);
    }
    if (tlvs) {
      w.attrString(Netlink.NLMSGERR_ATTR_MSG, "Service already exists");
      w.attrU32(Netlink.NLMSGERR_ATTR_OFFS, 20);
    }
    byte[] bytes = w.end().toByteArray();
    int at = Math.floorMod(position, bytes.length);
    byte[] mutated = truncate ? java.util.Arrays.copyOf(bytes, at) : bytes.clone();
    if (!truncate) {
      mutated[at] = value;
    }
    try {
      for (NetlinkMessage m : NetlinkMessage.parseAll(ByteBuffer.wrap(mutated))) {
        if (m.isError()) {
          NetlinkConnection.errorOf("add service", m);
        }
      }
    } catch (MalformedMessageException expected) {
      // a named refusal is the only acceptable failure
    }
  }

  /** A few well-formed messages, then sometimes a byte changed (a length, a flag) or the end cut off. */
  @Provide
  Arbitrary<byte[]> datagrams() {
    Arbitrary<byte[]> message = Arbitraries.integers().between(0, 40).flatMap(n ->
        Arbitraries.bytes().array(byte[].class).ofSize(n).flatMap(payload ->
            Arbitraries.integers().list().ofSize(4).map(h -> {
              ByteBuffer b = ByteBuffer.allocate(Netlink.align(Netlink.HEADER_LENGTH + n)).order(ByteOrder.nativeOrder());
              b.putInt(Netlink.HEADER_LENGTH + n).putShort((short) (int) h.get(0)).putShort((short) (int) h.get(1))
                  .putInt(h.get(2)).putInt(h.get(3)).put(payload);
              return b.array();
            })));
    return message.list().ofMinSize(1).ofMaxSize(4).flatMap(messages -> {
      byte[] all = concat(messages);
      return Arbitraries.oneOf(Arbitraries.just(all),
          Arbitraries.integers().between(0, all.length - 1).flatMap(at -> Arbitraries.bytes().map(v -> {
            byte[] m = all.clone();
            m[at] = v;
            return m;
          })),
          Arbitraries.integers().between(0, all.length - 1).map(n -> java.util.Arrays.copyOf(all, n)));
    });
  }

  private static byte[] concat(List<byte[]> parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
