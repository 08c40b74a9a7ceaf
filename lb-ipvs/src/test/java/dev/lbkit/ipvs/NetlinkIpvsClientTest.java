package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.ipvs.internal.netlink.NetlinkChannel;
import dev.lbkit.ipvs.internal.netlink.NetlinkConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernel client's listing path end to end without a kernel: a replayed kernel answers lbkit's requests with the
 * datagrams the real kernel gave the real ipvsadm for the same listing (ipvsadm-vectors.txt, captured in the kernel
 * lab), and what lbkit prints from them must be what ipvsadm printed. This runs the dump receive path (several
 * datagrams per receive call, the small-dump socket) and the decoders reading the messages in place.
 */
final class NetlinkIpvsClientTest {
  private static final int FAMILY = 0x20; // the IPVS family id in the capture
  private static final int CMD_GET_SERVICE = 4; // IPVS_CMD_GET_SERVICE
  private static final int CMD_GET_DEST = 8; // IPVS_CMD_GET_DEST

  /**
   * One request of an ipvsadm run: its command, whether it was a dump, its payload (the generic netlink header and
   * attributes: lbkit's requests are byte for byte ipvsadm's, IpvsRequestsTest) and the kernel's answers in order.
   */
  private record Exchange(int command, boolean dump, String payload, List<byte[]> answers) {}

  private record Capture(List<Exchange> exchanges, List<String> output) {}

  private static Capture capture(String args) throws IOException {
    List<Exchange> exchanges = new ArrayList<>();
    List<String> output = new ArrayList<>();
    try (InputStream in = NetlinkIpvsClientTest.class.getResourceAsStream("internal/wire/ipvsadm-vectors.txt")) {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      boolean on = false;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("## ")) {
          on = line.substring(3).equals(args);
        } else if (on && line.startsWith("> ")) {
          ByteBuffer m = ByteBuffer.wrap(HexFormat.of().parseHex(line.substring(2)));
          GenlRequest request = GenlRequest.of(m);
          exchanges.add(new Exchange(request.command(), request.dump(), GenlRequest.payloadHex(m), new ArrayList<>()));
        } else if (on && line.startsWith("< ")) {
          exchanges.get(exchanges.size() - 1).answers().add(HexFormat.of().parseHex(line.substring(2)));
        } else if (on && line.startsWith("# out: ")) {
          output.add(line.substring(7));
        }
      }
    }
    return new Capture(exchanges, output);
  }

  /**
   * Answers each dump request with the captured answers to ipvsadm's dump request of the same bytes (a service dump,
   * or one service's destinations), with the sequence number and port id rewritten.
   * A plain service lookup (lbkit's check that a service without destinations exists) gets a service and an ACK.
   */
  private static final class ReplayedKernel implements NetlinkChannel {
    private final List<Exchange> script;
    private final byte[] someService;
    final Deque<byte[]> pending = new ArrayDeque<>();
    final List<Integer> datagramsPerReceive = new ArrayList<>();

    ReplayedKernel(List<Exchange> exchanges, byte[] someService) {
      this.script = exchanges;
      this.someService = someService;
    }

    @Override
    public int portId() {
      return 4711;
    }

    @Override
    public void send(ByteBuffer datagram) throws dev.lbkit.ipvs.internal.netlink.NetlinkException {
      GenlRequest req = GenlRequest.of(datagram);
      int seq = req.seq();
      assertEquals(FAMILY, req.family());
      if (!req.dump()) {
        assertEquals(CMD_GET_SERVICE, req.command(), "only a service lookup is not a dump");
        pending.add(withSeq(someService.clone(), seq));
        // NLMSG_ERROR with error 0 (an ACK), capped: the original header only, zeros here
        ByteBuffer ack = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
        ack.putInt(0, 36).putShort(4, (short) 2).putShort(6, (short) 0x100).putInt(8, seq).putInt(12, portId());
        pending.add(ack.array());
        return;
      }
      String payload = GenlRequest.payloadHex(datagram);
      Exchange e = script.stream().filter(x -> x.dump() && x.payload().equals(payload)).findFirst()
          .orElseThrow(() -> new AssertionError("ipvsadm made no dump request " + payload + " (command "
              + req.command() + ")"));
      for (byte[] d : e.answers()) {
        pending.add(withSeq(d.clone(), seq));
      }
    }

    /** Every message of a datagram gets this sequence number and our port id. */
    private byte[] withSeq(byte[] d, int seq) {
      ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.nativeOrder());
      for (int p = 0; p + 16 <= d.length; p += (b.getInt(p) + 3) & ~3) {
        b.putInt(p + 8, seq).putInt(p + 12, portId());
      }
      return d;
    }

    @Override
    public int receive(ByteBuffer buffer) {
      byte[] next = pending.poll();
      buffer.duplicate().put(next);
      datagramsPerReceive.add(1);
      return next.length;
    }

    @Override
    public int receiveMany(ByteBuffer buffer, int slot, int[] lengths) {
      int n = 0;
      while (n < lengths.length && !pending.isEmpty()) {
        byte[] next = pending.poll();
        buffer.duplicate().position(buffer.position() + n * slot).put(next, 0, Math.min(slot, next.length));
        lengths[n++] = next.length;
      }
      datagramsPerReceive.add(n);
      return n;
    }

    @Override
    public void close() {}
  }

  private static NetlinkIpvsClient replaying(Capture c, ReplayedKernel main, ReplayedKernel dests) {
    NetlinkConnection second = new NetlinkConnection(dests);
    second.receiveSmallDumps(NetlinkConnection.SMALL_DUMP_RECEIVE);
    return new NetlinkIpvsClient(new NetlinkConnection(main), second, FAMILY);
  }

  private static byte[] firstServiceMessage(Capture c) {
    for (Exchange e : c.exchanges()) {
      if (e.dump() && e.command() == CMD_GET_SERVICE) {
        byte[] d = e.answers().get(0);
        int len = ByteBuffer.wrap(d).order(ByteOrder.nativeOrder()).getInt(0);
        return java.util.Arrays.copyOf(d, len);
      }
    }
    throw new AssertionError("no service dump in the capture");
  }

  private static List<Exchange> only(Capture c, int command) {
    return c.exchanges().stream().filter(e -> e.command() == command).toList();
  }

  @ParameterizedTest
  @EnumSource(IpvsClient.Stats.class)
  void save_ofTheReplayedKernelIsWhatIpvsadmPrinted(IpvsClient.Stats stats) throws Exception {
    Capture c = capture("-Sn");
    ReplayedKernel main = new ReplayedKernel(only(c, CMD_GET_SERVICE), firstServiceMessage(c));
    ReplayedKernel dests = new ReplayedKernel(only(c, CMD_GET_DEST), firstServiceMessage(c));
    try (NetlinkIpvsClient client = replaying(c, main, dests)) {
      List<IpvsadmFormat.Entry> table = IpvsadmFormat.snapshot(client, stats);
      assertStats(stats, table);
      assertEquals(String.join("\n", c.output()) + "\n", IpvsadmFormat.save(table));
    }
    // one receive call per destination dump: a dump's data datagram and its NLMSG_DONE (or the NLMSG_DONE alone)
    assertEquals(only(c, CMD_GET_DEST).size(), dests.datagramsPerReceive.size(), dests.datagramsPerReceive.toString());
    assertTrue(dests.datagramsPerReceive.contains(2), dests.datagramsPerReceive.toString());
  }

  @ParameterizedTest
  @EnumSource(IpvsClient.Stats.class)
  void list_ofTheReplayedKernelIsWhatIpvsadmPrinted(IpvsClient.Stats stats) throws Exception {
    Capture c = capture("-Ln");
    ReplayedKernel main = new ReplayedKernel(only(c, CMD_GET_SERVICE), firstServiceMessage(c));
    ReplayedKernel dests = new ReplayedKernel(only(c, CMD_GET_DEST), firstServiceMessage(c));
    try (NetlinkIpvsClient client = replaying(c, main, dests)) {
      List<IpvsadmFormat.Entry> table = IpvsadmFormat.snapshot(client, stats);
      assertStats(stats, table);
      String printed = IpvsadmFormat.versionLine(new IpvsInfo(0x010201, 4096)) + "\n"
          + IpvsadmFormat.list(table, IpvsadmFormat.Columns.DEFAULT, false);
      assertEquals(String.join("\n", c.output()) + "\n", printed);
      if (stats == IpvsClient.Stats.OMITTED) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> IpvsadmFormat.list(table, IpvsadmFormat.Columns.STATS, false));
        assertTrue(e.getMessage().contains("listed without its counters"), e.getMessage());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = IpvsadmFormat.Columns.class, names = {"STATS", "RATE"})
  void statsAndRate_listedWithTheCountersTheirColumnsAskFor(IpvsadmFormat.Columns columns) throws Exception {
    boolean exact = columns == IpvsadmFormat.Columns.STATS;
    Capture c = capture(exact ? "-Ln --exact --stats" : "-Ln --rate");
    try (NetlinkIpvsClient client = replaying(c, new ReplayedKernel(only(c, CMD_GET_SERVICE), firstServiceMessage(c)),
        new ReplayedKernel(only(c, CMD_GET_DEST), firstServiceMessage(c)))) {
      assertEquals(IpvsClient.Stats.INCLUDED, columns.stats());
      String printed = IpvsadmFormat.versionLine(new IpvsInfo(0x010201, 4096)) + "\n"
          + IpvsadmFormat.list(IpvsadmFormat.snapshot(client, columns.stats()), columns, exact);
      assertEquals(String.join("\n", c.output()) + "\n", printed);
    }
  }

  @Test
  void table_isTheConfigurationOfTheListing() throws Exception {
    Capture c = capture("-Sn");
    List<dev.lbkit.api.LoadBalancedService> expected = new ArrayList<>();
    try (NetlinkIpvsClient client = replaying(c, new ReplayedKernel(only(c, CMD_GET_SERVICE), firstServiceMessage(c)),
        new ReplayedKernel(only(c, CMD_GET_DEST), firstServiceMessage(c)))) {
      for (IpvsadmFormat.Entry e : IpvsadmFormat.snapshot(client)) {
        expected.add(new dev.lbkit.api.LoadBalancedService(e.service().service(),
            e.destinations().stream().map(IpvsDestination::server).toList()));
      }
    }
    try (NetlinkIpvsClient client = replaying(c, new ReplayedKernel(only(c, CMD_GET_SERVICE), firstServiceMessage(c)),
        new ReplayedKernel(only(c, CMD_GET_DEST), firstServiceMessage(c)))) {
      assertEquals(expected, client.table());
    }
    assertTrue(expected.size() > 3 && expected.stream().anyMatch(s -> s.realServers().size() > 1), expected.toString());
  }

  /** Every entry has counters when they were asked for, none when they were omitted. */
  private static void assertStats(IpvsClient.Stats stats, List<IpvsadmFormat.Entry> table) {
    assertTrue(!table.isEmpty());
    for (IpvsadmFormat.Entry e : table) {
      assertEquals(stats == IpvsClient.Stats.INCLUDED, e.service().stats().isPresent(), e.toString());
      for (IpvsDestination d : e.destinations()) {
        assertEquals(stats == IpvsClient.Stats.INCLUDED, d.stats().isPresent(), d.toString());
      }
    }
  }
}
