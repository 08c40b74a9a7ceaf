package dev.lbkit.healthcheck.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.Await;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Step;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DNS codec (golden query bytes, hostile responses) and the TCP fallback against loopback servers. */
final class DnsCheckTest {
  private static final Endpoint SERVER = Endpoint.parse("127.0.0.1:53");

  @Test
  void query_isRfc1035() {
    byte[] q = DnsCheck.of(SERVER, "www.example.com", "A").query(0x1234);
    assertEquals("123401000001000000000000" + "03777777076578616d706c6503636f6d00" + "00010001",
        HexFormat.of().formatHex(q));
    assertArrayEquals(new byte[] {0}, DnsCheck.encodeName("."));
  }

  @Test
  void badNames_andTypes_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> DnsCheck.of(SERVER, "a..b", "A"));
    assertThrows(IllegalArgumentException.class, () -> DnsCheck.of(SERVER, "x".repeat(64) + ".com", "A"));
    assertThrows(IllegalArgumentException.class, () -> DnsCheck.of(SERVER, "example.com", "BOGUS"));
  }

  /** Feeds the response to a conversation whose query id we read back from the query it sends. */
  private static Step answer(DnsCheck check, java.util.function.IntFunction<byte[]> responseForId) {
    Conversation c = check.newConversation();
    ByteBuffer query = ((Step.Send) c.onConnected()).bytes();
    int id = query.getShort(0) & 0xffff;
    return c.onReceive(ByteBuffer.wrap(responseForId.apply(id)), false);
  }

  private static CheckResult finished(Step s) {
    return ((Step.Finish) s).result();
  }

  @Test
  void garbageAndTruncatedResponses_areProtocolErrors_neverThrows() throws Exception {
    DnsCheck check = DnsCheck.of(SERVER, "www.example.com", "A").expecting(InetAddress.getByName("192.0.2.7"));
    // a response header claiming one answer that is not there (the answer section is read: addresses expected)
    CheckResult r = finished(answer(check, id -> ByteBuffer.allocate(12).putShort((short) id)
        .putShort((short) 0x8180).putShort((short) 0).putShort((short) 1).putShort((short) 0).putShort((short) 0)
        .array()));
    assertEquals(DownReason.PROTOCOL_ERROR, ((CheckResult.Down) r).reason());
    // 8 to 11 bytes pass keepalived's length test but hold no whole header
    r = finished(answer(check, id -> ByteBuffer.allocate(8).putShort((short) id).putShort((short) 0x8180).array()));
    assertEquals(DownReason.PROTOCOL_ERROR, ((CheckResult.Down) r).reason());
    // someone else's id is ignored
    assertTrue(answer(check, id -> ByteBuffer.allocate(12).putShort((short) (id + 1)).array()) instanceof Step.Await);
    // a query echoed back is not a response: ignored, as keepalived ignores it
    assertTrue(answer(check, check::query) instanceof Step.Await);
  }

  /** A response to {@code query}: {@code flags}, and one A record 192.0.2.7 unless {@code empty}. */
  private static byte[] response(byte[] query, int flags, boolean empty) {
    ByteBuffer b = ByteBuffer.allocate(query.length + (empty ? 0 : 16));
    b.put(query);
    b.putShort(2, (short) flags).putShort(6, (short) (empty ? 0 : 1));
    if (!empty) {
      b.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
          .put(new byte[] {(byte) 192, 0, 2, 7});
    }
    return b.array();
  }

  /**
   * A loopback server that answers every UDP query truncated and empty (TC, like a server whose answer does not
   * fit), and, if {@code tcp}, the full answer over TCP on the same port.
   */
  private static int truncatingServer(boolean tcp, List<AutoCloseable> open) throws Exception {
    ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    int port = ss.getLocalPort();
    DatagramSocket ds = new DatagramSocket(port, InetAddress.getLoopbackAddress());
    open.add(ds);
    if (tcp) {
      open.add(ss);
    } else {
      ss.close();
    }
    Thread u = new Thread(() -> {
      byte[] buf = new byte[512];
      while (!ds.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          ds.receive(p);
          byte[] r = response(Arrays.copyOf(p.getData(), p.getLength()), 0x8380, true); // QR RD RA TC
          ds.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
        } catch (IOException e) {
          return;
        }
      }
    });
    u.setDaemon(true);
    u.start();
    if (tcp) {
      Thread t = new Thread(() -> {
        while (!ss.isClosed()) {
          try (Socket c = ss.accept()) {
            DataInputStream in = new DataInputStream(c.getInputStream());
            byte[] q = new byte[in.readUnsignedShort()];
            in.readFully(q);
            byte[] r = response(q, 0x8180, false);
            DataOutputStream out = new DataOutputStream(c.getOutputStream());
            out.writeShort(r.length);
            out.write(r);
            out.flush();
          } catch (IOException e) {
            // next connection, or closed
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }
    return port;
  }

  @Test
  void truncatedUdpAnswer_isAskedAgainOverTcp_andATcpFailureIsNamed() throws Exception {
    List<AutoCloseable> open = new ArrayList<>();
    try (HealthChecker checker = HealthChecker.builder().build()) {
      Endpoint both = new Endpoint(InetAddress.getLoopbackAddress(), truncatingServer(true, open));
      CheckResult r = Await.result(checker.checkOnce(DnsCheck.of(both, "www.example.com", "A")
          .expecting(InetAddress.getByName("192.0.2.7")), Duration.ofSeconds(5)));
      assertTrue(r.isUp(), r.toString());
      assertEquals("UDP answer truncated; over TCP: www.example.com A 192.0.2.7", r.detail());
      assertTrue(Await.result(checker.checkOnce(DnsCheck.of(both, "www.example.com", "A").overTcp(),
          Duration.ofSeconds(5))).isUp());

      Endpoint udpOnly = new Endpoint(InetAddress.getLoopbackAddress(), truncatingServer(false, open));
      CheckResult.Down d = Await.down(Await.result(checker.checkOnce(DnsCheck.of(udpOnly, "www.example.com", "A")
          .expecting(InetAddress.getByName("192.0.2.7")), Duration.ofSeconds(5))), DownReason.REFUSED);
      assertTrue(d.detail().startsWith("UDP answer truncated; over TCP: "), d.detail());
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }

  @Test
  void truncation_withNoTimeLeft_isTruncated_andTheCodecNeverTrustsATruncatedAnswer() throws Exception {
    DnsCheck check = DnsCheck.of(SERVER, "www.example.com", "A").expecting(InetAddress.getByName("192.0.2.7"));
    CheckResult r = finished(answer(check, id -> response(check.query(id), 0x8380, false)));
    assertEquals(DownReason.TRUNCATED, ((CheckResult.Down) r).reason());
    // over TCP the TC bit is not looked at (a TCP answer is whole by construction)
    Conversation tcp = check.overTcp().newConversation();
    ByteBuffer sent = ((Step.Send) tcp.onConnected()).bytes();
    int len = sent.getShort(0) & 0xffff;
    assertEquals(sent.remaining() - 2, len);
    byte[] q = new byte[len];
    sent.position(2);
    sent.get(q);
    byte[] resp = response(q, 0x8180, false);
    ByteBuffer framed = ByteBuffer.allocate(2 + resp.length).putShort((short) resp.length).put(resp).flip();
    ByteBuffer first = framed.duplicate().limit(5); // arrives in two pieces
    assertTrue(tcp.onReceive(first, false) instanceof Step.Await);
    assertTrue(finished(tcp.onReceive(framed.position(5), false)).isUp());
  }

  @Test
  void answer_withCompressedName_isParsed() throws Exception {
    DnsCheck check = DnsCheck.of(SERVER, "www.example.com", "A").expecting(InetAddress.getByName("192.0.2.7"));
    CheckResult r = finished(answer(check, id -> {
      byte[] q = check.query(id);
      ByteBuffer b = ByteBuffer.allocate(q.length + 16);
      b.put(q);
      b.putShort(2, (short) 0x8180).putShort(6, (short) 1); // response, one answer
      b.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
          .put(new byte[] {(byte) 192, 0, 2, 7});
      return b.array();
    }));
    assertTrue(r.isUp(), r.toString());
  }
}
