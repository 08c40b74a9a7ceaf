package dev.lbkit.ipvs;

import dev.lbkit.ipvs.internal.netlink.NetlinkChannel;
import dev.lbkit.ipvs.internal.netlink.NetlinkConnection;
import java.io.BufferedReader;
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

/**
 * Times the Java side of {@code ipvsadm -Sn} on the host: the client, decoding and printing over a fake kernel that
 * answers with messages of the real kernel (captured in ipvsadm-vectors.txt), SERVICES x DESTS. Not a test.
 *   java -cp ... dev.lbkit.ipvs.DumpCostHarness SERVICES DESTS ROUNDS [OMITTED|INCLUDED]
 * The listing omits the counters as {@code bin/lbkit ipvsadm -Sn} does, unless INCLUDED is given.
 */
final class DumpCostHarness {
  public static void main(String[] args) throws Exception {
    int services = Integer.parseInt(args[0]);
    int dests = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    IpvsClient.Stats stats = args.length > 3 ? IpvsClient.Stats.valueOf(args[3]) : IpvsClient.Stats.OMITTED;
    List<byte[]> received = new ArrayList<>();
    try (InputStream in = DumpCostHarness.class.getResourceAsStream("internal/wire/ipvsadm-vectors.txt")) {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      boolean on = false;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("## ")) {
          on = line.equals("## -Ln");
        } else if (on && line.startsWith("< ")) {
          received.add(HexFormat.of().parseHex(line.substring(2)));
        }
      }
    }
    byte[] svcDatagram = received.get(1); // the service dump's first datagram: its first message is TCP 192.0.2.10:80
    int svcLen = ByteBuffer.wrap(svcDatagram).order(ByteOrder.nativeOrder()).getInt(0);
    byte[] svc = java.util.Arrays.copyOf(svcDatagram, svcLen);
    byte[] dest = received.get(3); // one destination message (10.0.0.2:8080)
    int destLen = ByteBuffer.wrap(dest).order(ByteOrder.nativeOrder()).getInt(0);
    dest = java.util.Arrays.copyOf(dest, destLen);
    ByteBuffer.wrap(dest).order(ByteOrder.nativeOrder()).putInt(56, 0); // IPVS_DEST_ATTR_FWD_METHOD: masquerade
    FakeKernel main = new FakeKernel(services, dests, svc, dest);
    FakeKernel second = new FakeKernel(services, dests, svc, dest);
    NetlinkConnection secondConnection = new NetlinkConnection(second);
    secondConnection.receiveSmallDumps(NetlinkConnection.SMALL_DUMP_RECEIVE);
    try (NetlinkIpvsClient client = new NetlinkIpvsClient(new NetlinkConnection(main), secondConnection, 0x20)) {
      for (int round = 1; round <= rounds; round++) {
        long t0 = System.nanoTime();
        List<IpvsadmFormat.Entry> table = IpvsadmFormat.snapshot(client, stats);
        long t1 = System.nanoTime();
        String text = IpvsadmFormat.save(table);
        long t2 = System.nanoTime();
        System.out.printf(java.util.Locale.ROOT, "round %d (stats " + stats + "): snapshot %.3f s, save %.3f s (%d bytes)%n", round,
            (t1 - t0) / 1e9, (t2 - t1) / 1e9, text.length());
      }
    }
  }

  /** Answers a service dump with SERVICES copies of a service message and each destination dump with DESTS. */
  private static final class FakeKernel implements NetlinkChannel {
    final int services;
    final int dests;
    final byte[] svc;
    final byte[] dest;
    final Deque<byte[]> pending = new ArrayDeque<>();

    FakeKernel(int services, int dests, byte[] svc, byte[] dest) {
      this.services = services;
      this.dests = dests;
      this.svc = svc;
      this.dest = dest;
    }

    @Override
    public int portId() {
      return 77;
    }

    @Override
    public void send(ByteBuffer datagram) {
      GenlRequest req = GenlRequest.of(datagram);
      int seq = req.seq();
      if (req.command() == 4) { // IPVS_CMD_GET_SERVICE dump
        ByteBuffer out = ByteBuffer.allocate(32 << 10).order(ByteOrder.nativeOrder());
        for (int i = 0; i < services; i++) {
          if (out.remaining() < svc.length) {
            pending.add(java.util.Arrays.copyOf(out.array(), out.position()));
            out.clear();
          }
          int at = out.position();
          out.put(svc);
          out.putInt(at + 8, seq);
          out.put(at + 44, (byte) 172).put(at + 45, (byte) 16).put(at + 46, (byte) (i >> 8)).put(at + 47, (byte) i);
        }
        pending.add(java.util.Arrays.copyOf(out.array(), out.position()));
      } else { // IPVS_CMD_GET_DEST dump
        ByteBuffer out = ByteBuffer.allocate(dest.length * dests).order(ByteOrder.nativeOrder());
        for (int d = 0; d < dests; d++) {
          int at = out.position();
          out.put(dest);
          out.putInt(at + 8, seq);
          out.put(at + 31, (byte) (d + 1));
        }
        pending.add(out.array());
      }
      ByteBuffer done = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
      done.putInt(0, 20).putShort(4, (short) 3).putShort(6, (short) 2).putInt(8, seq);
      pending.add(done.array());
    }

    @Override
    public int receive(ByteBuffer buffer) {
      byte[] next = pending.poll();
      buffer.duplicate().put(next);
      return next.length;
    }

    @Override
    public int receiveMany(ByteBuffer buffer, int slot, int[] lengths) {
      int n = 0;
      while (n < lengths.length && !pending.isEmpty()) {
        byte[] next = pending.poll();
        buffer.duplicate().position(buffer.position() + n * slot).put(next);
        lengths[n++] = next.length;
      }
      return n;
    }

    @Override
    public void close() {}
  }
}
