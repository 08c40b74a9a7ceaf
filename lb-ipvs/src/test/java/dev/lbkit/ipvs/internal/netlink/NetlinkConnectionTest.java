package dev.lbkit.ipvs.internal.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class NetlinkConnectionTest {

  private static NetlinkMessageWriter request(int value) {
    return new NetlinkMessageWriter().begin(0x20, 0).genlHeader(1, 1).attrU32(1, value).end();
  }

  @Test
  void execute_setsRequestAckSequenceAndPortId() throws Exception {
    ScriptedChannel ch = new ScriptedChannel(reqs -> List.of(ScriptedChannel.error(reqs.get(0), 0, null, -1)));
    try (NetlinkConnection c = new NetlinkConnection(ch)) {
      c.execute("test", request(5));
    }
    NetlinkMessage sent = NetlinkMessage.parseAll(ByteBuffer.wrap(ch.sent.get(0))).get(0);
    assertEquals(Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, sent.flags());
    assertEquals(4242, sent.portId());
    assertTrue(sent.sequence() > 0);
    assertTrue(ch.closed);
  }

  @Test
  void execute_throwsErrnoAndExtendedAck() {
    ScriptedChannel ch = new ScriptedChannel(reqs -> List.of(
        ScriptedChannel.error(reqs.get(0), Errno.EEXIST, "Service already exists", 24)));
    NetlinkConnection c = new NetlinkConnection(ch);
    NetlinkException e = assertThrows(NetlinkException.class, () -> c.execute("add service x", request(5)));
    assertEquals(Errno.EEXIST, e.errno());
    assertEquals("add service x", e.operation());
    assertEquals(Optional.of("Service already exists"), e.extAckMessage());
    assertEquals(24, e.extAckOffset().getAsInt());
    assertEquals("add service x: already exists (EEXIST): Service already exists", e.getMessage());
  }

  @Test
  void errorOf_quotedRequestLengthOutOfRange_isRefusedAsMalformed() throws Exception {
    // an uncapped NLMSG_ERROR with extended-ACK attributes quotes the request, whose length says how far to skip;
    // a length above 2^31-1 (or one that overflows when aligned) once made a negative skip and an
    // IllegalArgumentException from ByteBuffer.position
    for (int quoted : new int[] {0x8000_0000, 0x7FFF_FFFE, 0xFFFF_FFFF}) {
      byte[] bytes = new NetlinkMessageWriter().begin(Netlink.NLMSG_ERROR, Netlink.NLM_F_ACK_TLVS)
          .u32(-Errno.EEXIST).u32(quoted).u16(0x20).u16(0).u32(1).u32(0).end().toByteArray();
      NetlinkMessage m = NetlinkMessage.parseAll(ByteBuffer.wrap(bytes)).get(0);
      MalformedMessageException e = assertThrows(MalformedMessageException.class,
          () -> NetlinkConnection.errorOf("add service x", m));
      assertTrue(e.getMessage().contains("quotes a request of length " + Integer.toUnsignedLong(quoted)),
          e.getMessage());
    }
  }

  @Test
  void request_skipsStaleSequencesAndCollectsAnswersUntilTheAck() throws Exception {
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      NetlinkMessage r = reqs.get(0);
      return List.of(ScriptedChannel.message(0x20, 0, r.sequence() - 1, 99), // stale
          ScriptedChannel.concat(ScriptedChannel.message(0x20, 0, r.sequence(), 7),
              ScriptedChannel.error(r, 0, null, -1)));
    });
    List<Integer> got = new NetlinkConnection(ch).request("get", request(1), m -> m.payload().getInt(0));
    assertEquals(List.of(7), got);
  }

  @Test
  void dump_readsMultipartUntilDone() throws Exception {
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      int seq = reqs.get(0).sequence();
      return List.of(
          ScriptedChannel.concat(ScriptedChannel.message(0x20, Netlink.NLM_F_MULTI, seq, 1),
              ScriptedChannel.message(0x20, Netlink.NLM_F_MULTI, seq, 2)),
          ScriptedChannel.message(0x20, Netlink.NLM_F_MULTI, seq, 3),
          ScriptedChannel.message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, seq, 0));
    });
    List<Integer> got = new NetlinkConnection(ch).dump("list", request(1), m -> m.payload().getInt(0));
    assertEquals(List.of(1, 2, 3), got);
    NetlinkMessage sent = NetlinkMessage.parseAll(ByteBuffer.wrap(ch.sent.get(0))).get(0);
    assertEquals(Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, sent.flags());
  }

  @Test
  void dump_startsAgainWhenInterruptedOrOverrunAndNeverReturnsAPartialTable() throws Exception {
    AtomicInteger attempt = new AtomicInteger();
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      int seq = reqs.get(0).sequence();
      int a = attempt.incrementAndGet();
      List<byte[]> out = new ArrayList<>();
      out.add(ScriptedChannel.message(0x20, Netlink.NLM_F_MULTI, seq, 10 * a));
      if (a == 1) {
        out.add(new byte[0]); // ENOBUFS: messages were lost
      }
      out.add(ScriptedChannel.message(0x20, Netlink.NLM_F_MULTI | (a == 2 ? Netlink.NLM_F_DUMP_INTR : 0), seq,
          10 * a + 1));
      out.add(ScriptedChannel.message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, seq, 0));
      return out;
    });
    List<Integer> got = new NetlinkConnection(ch).dump("list", request(1), m -> m.payload().getInt(0));
    assertEquals(List.of(30, 31), got);
    assertEquals(3, attempt.get());
  }

  /** A datagram of {@code count} messages of {@code size} bytes each (a u32 value and padding). */
  private static byte[] messages(int seq, int first, int count, int size) {
    byte[][] parts = new byte[count][];
    for (int i = 0; i < count; i++) {
      NetlinkMessageWriter w = new NetlinkMessageWriter().begin(0x20, Netlink.NLM_F_MULTI).u32(first + i);
      w.bytes(new byte[size - Netlink.HEADER_LENGTH - 4]);
      parts[i] = ScriptedChannel.withSeq(w.end().toByteArray(), seq, 0);
    }
    return ScriptedChannel.concat(parts);
  }

  @Test
  void smallDumps_stayInSmallReceivesUntilADumpNeedsAThirdDatagram() throws Exception {
    int[] sizes = {1, 1, 3, 1};
    AtomicInteger call = new AtomicInteger();
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      int seq = reqs.get(0).sequence();
      List<byte[]> out = new ArrayList<>();
      int k = call.getAndIncrement();
      for (int d = 0; d < sizes[k]; d++) {
        out.add(messages(seq, 10 * d, 10, 200));
      }
      out.add(ScriptedChannel.message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, seq, 0));
      return out;
    });
    NetlinkConnection c = new NetlinkConnection(ch);
    c.receiveSmallDumps(NetlinkConnection.SMALL_DUMP_RECEIVE);
    int small = NetlinkConnection.SMALL_DUMP_RECEIVE;
    assertEquals(10, c.dump("one", request(1), m -> 1).size());
    assertEquals(10, c.dump("two", request(1), m -> 1).size());
    assertEquals(List.of(small, small, small, small), ch.receiveLengths);
    // each small dump: its data and its NLMSG_DONE in one receive call
    assertEquals(List.of(2, 2), ch.receiveCalls);
    assertEquals(30, c.dump("three datagrams", request(1), m -> 1).size());
    // data, data (then the kernel's next datagram is sized by this receive), data, done
    int big = NetlinkConnection.DUMP_DATAGRAM;
    assertEquals(List.of(small, small, big, big), ch.receiveLengths.subList(4, 8));
    assertEquals(10, c.dump("after", request(1), m -> 1).size());
    assertEquals(List.of(big, big), ch.receiveLengths.subList(8, 10));
    assertEquals(List.of(2, 2, 2, 2, 2), ch.receiveCalls);
  }

  @Test
  void smallDumps_aTruncatedDatagramIsReadPastAndTheDumpMadeAgainInFull() throws Exception {
    AtomicInteger call = new AtomicInteger();
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      int seq = reqs.get(0).sequence();
      call.incrementAndGet();
      return List.of(messages(seq, 0, 30, 200), messages(seq, 30, 5, 200),
          ScriptedChannel.message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, seq, 0));
    });
    NetlinkConnection c = new NetlinkConnection(ch);
    c.receiveSmallDumps(NetlinkConnection.SMALL_DUMP_RECEIVE);
    List<Integer> got = c.dump("big", request(1), m -> m.payload().getInt(0));
    assertEquals(35, got.size());
    assertEquals(List.of(0, 1, 2), got.subList(0, 3));
    assertEquals(34, got.get(34));
    assertEquals(2, call.get());
  }

  @Test
  void dump_takesSeveralDatagramsPerReceiveCall() throws Exception {
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      int seq = reqs.get(0).sequence();
      List<byte[]> out = new ArrayList<>();
      for (int d = 0; d < 20; d++) {
        out.add(messages(seq, 100 * d, 100, 300)); // 30,000 bytes: as the kernel fills 32 KiB datagrams
      }
      out.add(ScriptedChannel.message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, seq, 0));
      return out;
    });
    List<Integer> got = new NetlinkConnection(ch).dump("list", request(1), m -> m.payload().getInt(0));
    assertEquals(2000, got.size());
    for (int i = 0; i < 2000; i++) {
      assertEquals(i, got.get(i));
    }
    assertEquals(List.of(8, 8, 5), ch.receiveCalls);
  }

  @Test
  void dump_aDatagramTruncatedAfterAGoodOneInTheSameCallIsMadeAgainNeverReturnedShort() throws Exception {
    AtomicInteger call = new AtomicInteger();
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      int seq = reqs.get(0).sequence();
      call.incrementAndGet();
      // a family that makes datagrams bigger than the usual 32 KiB: the second does not fit its slot
      return List.of(messages(seq, 0, 10, 300), messages(seq, 10, 150, 300), messages(seq, 160, 10, 300),
          ScriptedChannel.message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, seq, 0));
    });
    NetlinkConnection c = new NetlinkConnection(ch);
    List<Integer> got = c.dump("big", request(1), m -> m.payload().getInt(0));
    assertEquals(170, got.size());
    for (int i = 0; i < 170; i++) {
      assertEquals(i, got.get(i));
    }
    assertEquals(2, call.get());
    // the first attempt's call took all four datagrams in 32 KiB slots; the second attempt receives whole buffers
    assertEquals(List.of(4, 1, 1, 1, 1), ch.receiveCalls);
    assertEquals(256 << 10, ch.receiveLengths.get(ch.receiveLengths.size() - 1));
  }

  @Test
  void dump_anOverrunAfterAGoodDatagramInTheSameCallIsMadeAgain() throws Exception {
    AtomicInteger call = new AtomicInteger();
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      int seq = reqs.get(0).sequence();
      int a = call.incrementAndGet();
      List<byte[]> out = new ArrayList<>();
      out.add(messages(seq, 0, 5, 100));
      if (a == 1) {
        out.add(new byte[0]); // ENOBUFS after the first datagram: the rest was dropped
      }
      out.add(messages(seq, 5, 5, 100));
      out.add(ScriptedChannel.message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, seq, 0));
      return out;
    });
    NetlinkConnection c = new NetlinkConnection(ch);
    c.receiveSmallDumps(NetlinkConnection.SMALL_DUMP_RECEIVE);
    List<Integer> got = c.dump("list", request(1), m -> m.payload().getInt(0));
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got);
    assertEquals(2, call.get());
  }

  @Test
  void dump_failsWhenEveryAttemptIsInterrupted() {
    ScriptedChannel ch = new ScriptedChannel(reqs -> List.of(
        ScriptedChannel.message(0x20, Netlink.NLM_F_MULTI | Netlink.NLM_F_DUMP_INTR, reqs.get(0).sequence(), 1),
        ScriptedChannel.message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, reqs.get(0).sequence(), 0)));
    NetlinkException e = assertThrows(NetlinkException.class,
        () -> new NetlinkConnection(ch).dump("list services", request(1), m -> 1));
    assertEquals(Errno.EINTR, e.errno());
    assertTrue(e.getMessage().startsWith("list services: the table changed during the dump"), e.getMessage());
  }

  @Test
  void executeBatch_packsRequestsWithoutAcksAndReportsEachRefusal() throws Exception {
    // like the kernel: an error for every refused request, an ACK only where NLM_F_ACK asks for one
    List<Integer> flagsSeen = new ArrayList<>();
    ScriptedChannel ch = new ScriptedChannel(reqs -> {
      List<byte[]> out = new ArrayList<>();
      for (NetlinkMessage r : reqs) {
        flagsSeen.add(r.flags());
        boolean refused = r.type() != Netlink.NLMSG_NOOP && r.payload().getInt(8) % 3 == 0; // genl hdr, attr hdr
        if (refused || (r.flags() & Netlink.NLM_F_ACK) != 0) {
          out.add(ScriptedChannel.error(r, refused ? Errno.EEXIST : 0, null, -1));
        }
      }
      return out;
    });
    int n = 600;
    List<String> ops = new ArrayList<>();
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ops.add("op " + i);
      msgs.add(request(i).toByteArray());
    }
    List<Optional<NetlinkException>> results = new NetlinkConnection(ch).executeBatch(ops, msgs);
    assertEquals(n, results.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i % 3 == 0, results.get(i).isPresent(), "request " + i);
      if (i % 3 == 0) {
        assertEquals("op " + i, results.get(i).get().operation());
      }
    }
    // 600 requests in datagrams of at most 256, each closed by one NOOP that asks for the only ACK
    assertEquals(3, ch.sent.size());
    assertEquals(603, flagsSeen.size());
    assertEquals(3, flagsSeen.stream().filter(f -> (f & Netlink.NLM_F_ACK) != 0).count());
  }

  @Test
  void executeBatch_lostAnswersAreAnExchangeFailureSayingWhatIsKnown() {
    ScriptedChannel ch = new ScriptedChannel(reqs -> List.of(new byte[0])); // ENOBUFS instead of the ACK
    List<byte[]> msgs = List.of(request(1).toByteArray(), request(2).toByteArray());
    NetlinkException e = assertThrows(NetlinkException.class,
        () -> new NetlinkConnection(ch).executeBatch(List.of("a", "b"), msgs));
    assertEquals(Errno.ENOBUFS, e.errno());
    assertTrue(e.getMessage().startsWith("batch of 2 requests: 0 confirmed, 2 sent without confirmation, 0 not sent"),
        e.getMessage());
  }
}
