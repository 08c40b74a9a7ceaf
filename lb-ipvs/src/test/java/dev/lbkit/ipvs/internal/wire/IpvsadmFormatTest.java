package dev.lbkit.ipvs.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.ipvs.IpvsDestination;
import dev.lbkit.ipvs.IpvsInfo;
import dev.lbkit.ipvs.IpvsService;
import dev.lbkit.ipvs.IpvsadmFormat;
import dev.lbkit.ipvs.IpvsadmFormat.Columns;
import dev.lbkit.ipvs.IpvsadmFormat.Entry;
import dev.lbkit.ipvs.internal.netlink.NetlinkAttributes;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * IpvsadmFormat prints, byte for byte, what the real ipvsadm printed for the table the kernel gave it (both
 * captured in the kernel lab: the kernel's netlink answers and ipvsadm's output).
 */
final class IpvsadmFormatTest {
  private static final Map<String, IpvsadmVectors.Run> RUNS = IpvsadmVectors.load();
  private static final int FAMILY = 0x20;

  /** The table as the kernel answered ipvsadm in this run, services in the kernel's order. */
  static List<Entry> tableOf(String args) throws Exception {
    IpvsadmVectors.Run run = RUNS.get(args);
    Map<Long, List<NetlinkMessage>> repliesBySeq = new LinkedHashMap<>();
    for (byte[] d : run.received()) {
      for (NetlinkMessage m : NetlinkMessage.parseAll(ByteBuffer.wrap(d))) {
        repliesBySeq.computeIfAbsent(exchange(m), k -> new ArrayList<>()).add(m);
      }
    }
    Map<ServiceKey, IpvsService> services = new LinkedHashMap<>();
    for (List<NetlinkMessage> ms : repliesBySeq.values()) {
      for (NetlinkMessage m : ms) {
        if (m.type() == FAMILY && m.genlCommand() == IpvsGenl.CMD_NEW_SERVICE) {
          IpvsService s = IpvsReplies.service(m);
          services.put(s.service().key(), s);
        }
      }
    }
    Map<ServiceKey, List<IpvsDestination>> dests = new LinkedHashMap<>();
    for (byte[] sent : run.sent()) {
      NetlinkMessage req = NetlinkMessage.parseAll(ByteBuffer.wrap(sent)).get(0);
      if (req.genlCommand() != IpvsGenl.CMD_GET_DEST) {
        continue;
      }
      ServiceKey key = keyOf(req.genlAttributes().nested(IpvsGenl.CMD_ATTR_SERVICE));
      List<IpvsDestination> list = new ArrayList<>();
      for (NetlinkMessage m : repliesBySeq.getOrDefault(exchange(req), List.of())) {
        if (m.type() == FAMILY && m.genlCommand() == IpvsGenl.CMD_NEW_DEST) {
          list.add(IpvsReplies.destination(m, key.family()));
        }
      }
      dests.put(key, list);
    }
    List<Entry> out = new ArrayList<>();
    for (IpvsService s : services.values()) {
      out.add(new Entry(s, dests.getOrDefault(s.service().key(), List.of())));
    }
    return out;
  }

  /** ipvsadm opens a socket per request and may reuse a sequence number; the port id tells them apart. */
  private static long exchange(NetlinkMessage m) {
    return ((long) m.sequence() << 32) | (m.portId() & 0xffffffffL);
  }

  private static ServiceKey keyOf(NetlinkAttributes s) throws Exception {
    AddressFamily family = AddressFamily.fromLinuxValue(s.u16(IpvsGenl.SVC_ATTR_AF));
    if (s.has(IpvsGenl.SVC_ATTR_FWMARK)) {
      return new ServiceKey.FirewallMark(s.u32(IpvsGenl.SVC_ATTR_FWMARK), family);
    }
    byte[] addr = java.util.Arrays.copyOf(s.bytes(IpvsGenl.SVC_ATTR_ADDR), family == AddressFamily.IPV4 ? 4 : 16);
    return ServiceKey.of(dev.lbkit.api.Protocol.fromIpProtocolNumber(s.u16(IpvsGenl.SVC_ATTR_PROTOCOL)),
        new dev.lbkit.api.Endpoint(java.net.InetAddress.getByAddress(addr), s.be16(IpvsGenl.SVC_ATTR_PORT)));
  }

  private static String printed(String args) {
    return String.join("\n", RUNS.get(args).output()) + "\n";
  }

  private static final String VERSION = IpvsadmFormat.versionLine(new IpvsInfo(0x010201, 4096)) + "\n";

  @Test
  void listNumeric_isIpvsadmLn() throws Exception {
    assertEquals(printed("-Ln"), VERSION + IpvsadmFormat.list(tableOf("-Ln"), Columns.DEFAULT, false));
  }

  @Test
  void save_isIpvsadmSn() throws Exception {
    assertEquals(printed("-Sn"), IpvsadmFormat.save(tableOf("-Sn")));
  }

  @Test
  void stats_isIpvsadmLnExactStats() throws Exception {
    assertEquals(printed("-Ln --exact --stats"),
        VERSION + IpvsadmFormat.list(tableOf("-Ln --exact --stats"), Columns.STATS, true));
  }

  @Test
  void rate_isIpvsadmLnRate() throws Exception {
    assertEquals(printed("-Ln --rate"), VERSION + IpvsadmFormat.list(tableOf("-Ln --rate"), Columns.RATE, false));
  }
}
