package dev.lbkit.healthcheck.udp;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      byte[] buf = new byte[2048];
      while (!s.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          s.receive(p);
          if (answer) {
            byte[] reply = ("PONG " + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
          }
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return s;
  }

  @Test
  void reply_withRequiredPrefix_isUp_otherwiseContentMismatch() throws Exception {
    try (DatagramSocket s = server(true)) {
      Endpoint e = new Endpoint(InetAddress.getLoopbackAddress(), s.getLocalPort());
      up(result(checker.checkOnce(UdpCheck.of(e, ascii("PING")), Duration.ofSeconds(5))));
      up(result(checker.checkOnce(UdpCheck.of(e, ascii("PING")).requiringReply(ascii("PONG PING")),
          Duration.ofSeconds(5))));
      down(result(checker.checkOnce(UdpCheck.of(e, ascii("PING")).requiringReply(ascii("OK")),
          Duration.ofSeconds(5))), DownReason.CONTENT_MISMATCH);
    }
  }

  @Test
  void closedPort_isRefusedByIcmp_silentServer_isTimeout() throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    down(result(checker.checkOnce(UdpCheck.of(new Endpoint(InetAddress.getLoopbackAddress(), port), ascii("x")),
        Duration.ofSeconds(5))), DownReason.REFUSED);
    try (DatagramSocket s = server(false)) {
      down(result(checker.checkOnce(UdpCheck.of(new Endpoint(InetAddress.getLoopbackAddress(), s.getLocalPort()),
          ascii("x")), Duration.ofMillis(300))), DownReason.TIMEOUT);
    }
  }
}
