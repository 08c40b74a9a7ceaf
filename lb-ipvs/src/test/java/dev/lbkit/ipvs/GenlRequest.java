package dev.lbkit.ipvs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * A generic netlink request as the test kernels here read it ({@link NetlinkIpvsClientTest}'s replayed kernel,
 * {@link DumpCostHarness}'s fake one): from the netlink header, the family id (the message type), the flags and the
 * sequence number; from the generic netlink header after it, the command. All in host order, as on the wire.
 */
record GenlRequest(int family, int flags, int seq, int command) {
  private static final int NLMSG_HDRLEN = 16;
  private static final int NLM_F_DUMP = 0x300; // NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH

  /** Reads the request that starts at the datagram's position (which stays where it is). */
  static GenlRequest of(ByteBuffer datagram) {
    ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
    int at = b.position();
    return new GenlRequest(b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff, b.getInt(at + 8),
        b.get(at + NLMSG_HDRLEN) & 0xff);
  }

  /** Whether the request asks for a dump. */
  boolean dump() {
    return (flags & NLM_F_DUMP) == NLM_F_DUMP;
  }

  /**
   * The request after its netlink header (the generic netlink header and the attributes) in hex: how
   * ipvsadm-vectors.txt tells requests apart.
   */
  static String payloadHex(ByteBuffer datagram) {
    ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
    int at = b.position();
    byte[] p = new byte[b.getInt(at) - NLMSG_HDRLEN];
    b.get(at + NLMSG_HDRLEN, p);
    return HexFormat.of().formatHex(p);
  }
}
