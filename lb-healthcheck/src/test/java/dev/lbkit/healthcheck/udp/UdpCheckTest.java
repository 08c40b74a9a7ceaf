package dev.lbkit.healthcheck.udp;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.LocalDaemon;
import dev.lbkit.healthcheck.PongServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** UDP request/reply against real loopback sockets. */
final class UdpCheckTest {
  private final HealthChecker checker = HealthChecker.builder().build();

  @AfterEach
  void close() {
    checker.close();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Replies "PONG " + request to every datagram, or stays silent. */
  private static DatagramSocket server(boolean answer) throws IOException {
    return PongServer.start(answer);
  }

  private static Endpoint at(DatagramSocket s) {
    return new Endpoint(InetAddress.getLoopbackAddress(), s.getLocalPort());
  }

  /**
   * A UDP port where nothing listens: a fixed port below the ephemeral range on a loopback address of this JVM's own
   * ({@link LocalDaemon#ownLoopbackAddress}), which no socket bound to port 0 can be given. A port freed by closing a
   * socket can be taken again before the check runs.
   */
  private static Endpoint closedPort() {
    return new Endpoint(LocalDaemon.ownLoopbackAddress(), 10009);
  }

  @Test
  void anyReply_isUp_andRequiredBytes_withWildcards_mustMatch() throws Exception {
    try (DatagramSocket s = server(true)) { // answers "PONG " + request
      Endpoint e = at(s);
      up(result(checker.checkOnce(UdpCheck.of(e, ascii("PING")), Duration.ofSeconds(5))));
      up(result(checker.checkOnce(UdpCheck.of(e, ascii("PING")).requiringReply(ascii("PONG PING")),
          Duration.ofSeconds(5))));
      up(result(checker.checkOnce(UdpCheck.of(e, ascii("PING")).requiringReply(ReplyPattern.parse("50 4f 4e 47 20 5x")),
          Duration.ofSeconds(5))));
      CheckResult.Down d = down(result(checker.checkOnce(UdpCheck.of(e, ascii("PING"))
          .requiringReply(ReplyPattern.parse("50 4f 4e 47 20 4x")), Duration.ofSeconds(5))),
          DownReason.CONTENT_MISMATCH);
      assertTrue(d.detail().contains("reply byte 5 is 50, expected 504f4e47204x"), d.detail());
    }
  }

  @Test
  void requiredBytes_compareOnlyTheShorter_andLengthBoundsApply_asInKeepalived() throws Exception {
    try (DatagramSocket s = server(true)) {
      Endpoint e = at(s);
      // the reply "PONG x" (6 bytes) is shorter than the pattern: its 6 bytes match, so keepalived passes it
      up(result(checker.checkOnce(UdpCheck.of(e, ascii("x")).requiringReply(ascii("PONG x and more")),
          Duration.ofSeconds(5))));
      // ... unless min_reply_length asks for the whole pattern
      down(result(checker.checkOnce(UdpCheck.of(e, ascii("x")).requiringReply(ascii("PONG x and more"))
          .withReplyLength(15, 255), Duration.ofSeconds(5))), DownReason.CONTENT_MISMATCH);
      // max_reply_length defaults to 255: a 300-byte reply fails when bytes are required
      byte[] big = new byte[295];
      java.util.Arrays.fill(big, (byte) 'a');
      down(result(checker.checkOnce(UdpCheck.of(e, big).requiringReply(ascii("PONG")), Duration.ofSeconds(5))),
          DownReason.CONTENT_MISMATCH);
      // ... and is not checked when only "some reply" is required
      up(result(checker.checkOnce(UdpCheck.of(e, big).requiringReply(), Duration.ofSeconds(5))));
    }
  }

  @Test
  void silence_isUpUnlessAReplyIsRequired_asInKeepalived() throws Exception {
    try (DatagramSocket s = server(false)) {
      CheckResult r = result(checker.checkOnce(UdpCheck.of(at(s)), Duration.ofMillis(300)));
      up(r);
      assertTrue(r.toString().contains("none required"), r.toString());
      CheckResult.Down d = down(result(checker.checkOnce(UdpCheck.of(at(s)).requiringReply(),
          Duration.ofMillis(300))), DownReason.TIMEOUT);
      assertTrue(d.detail().startsWith("no reply within"), d.detail());
      down(result(checker.checkOnce(UdpCheck.of(at(s), ascii("x")).requiringReply(ascii("PONG")),
          Duration.ofMillis(300))), DownReason.TIMEOUT);
    }
  }

  @Test
  void closedPort_isDownByIcmp_withOrWithoutRequiredReply() throws Exception {
    Endpoint closed = closedPort();
    CheckResult.Down d = down(result(checker.checkOnce(UdpCheck.of(closed), Duration.ofSeconds(5))),
        DownReason.REFUSED);
    assertTrue(d.detail().contains("ICMP port unreachable"), d.detail());
    down(result(checker.checkOnce(UdpCheck.of(closed, ascii("x")).requiringReply(), Duration.ofSeconds(5))),
        DownReason.REFUSED);
  }

  @Test
  void defaultPayload_isKeepalivedSized_andPatternsParseAsKeepalivedReadsThem() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try {
          DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
          s.receive(p);
          sizes.add(p.getLength());
          s.send(new DatagramPacket(new byte[] {1}, 1, p.getSocketAddress()));
        } catch (IOException e) {
          // the test fails on the missing size
        }
      });
      t.setDaemon(true);
      t.start();
      up(result(checker.checkOnce(UdpCheck.of(at(s)).requiringReply(), Duration.ofSeconds(5))));
    }
    assertEquals(List.of(32), sizes);
    assertEquals("0102ab4x", ReplyPattern.parse("1 2 ab\t4X").toString());
    assertEquals(4, ReplyPattern.parse(" 01 02ab 4x").length());
    assertThrows(IllegalArgumentException.class, () -> ReplyPattern.parse("0g"));
    assertThrows(IllegalArgumentException.class, () -> ReplyPattern.parse("  "));
    assertThrows(IllegalArgumentException.class, () -> UdpCheck.of(closedPort()).withReplyLength(10, 5));
  }
}
