package dev.lbkit.healthcheck.tcp;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.RefusingPort;
import dev.lbkit.healthcheck.TestTls;
import dev.lbkit.healthcheck.TlsSettings;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class TcpCheckTest {
  private final HealthChecker checker = HealthChecker.builder().build();

  @AfterEach
  void close() {
    checker.close();
  }

  private static Endpoint loopback(int port) {
    return new Endpoint(InetAddress.getLoopbackAddress(), port);
  }

  @Test
  void listeningPort_isUp() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      up(result(checker.checkOnce(TcpCheck.of(loopback(server.getLocalPort())), Duration.ofSeconds(5))));
    }
  }

  @Test
  void closedPort_isRefused() throws Exception {
    try (RefusingPort closed = new RefusingPort()) {
      down(result(checker.checkOnce(TcpCheck.of(closed.endpoint()), Duration.ofSeconds(5))), DownReason.REFUSED);
    }
  }

  @Test
  void bindTo_usesTheLocalAddress() throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread acceptor = new Thread(() -> {
        try (Socket s = server.accept()) {
          s.getOutputStream().write(s.getInetAddress().getAddress());
        } catch (Exception e) {
          // the test asserts on the check result; nothing to add here
        }
      });
      acceptor.start();
      TcpCheck check = TcpCheck.of(Endpoint.parse("127.0.0.1:" + server.getLocalPort()))
          .withBindTo(InetAddress.getByName("127.0.0.2"));
      up(result(checker.checkOnce(check, Duration.ofSeconds(5))));
      acceptor.join(5000);
    }
  }

  @Test
  void bindTo_anAddressNotOnThisHost_isAnIoError() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      TcpCheck check = TcpCheck.of(loopback(server.getLocalPort())).withBindTo(InetAddress.getByName("192.0.2.77"));
      assertFalse(result(checker.checkOnce(check, Duration.ofSeconds(5))).isUp());
    }
  }

  @Test
  void tlsHandshake_upWithTrustedCertificate_downWithout() throws Exception {
    SSLServerSocket server = (SSLServerSocket) TestTls.serverContext("server", null).getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.startHandshake();
          InputStream in = s.getInputStream();
          while (in.read() >= 0) {
            // drain until the checker closes
          }
        } catch (Exception e) {
          // a failed handshake is one of the cases under test
        }
      }
    });
    t.setDaemon(true);
    t.start();
    try (server) {
      Endpoint target = loopback(server.getLocalPort());
      up(result(checker.checkOnce(TcpCheck.of(target).withTls(TestTls.trustingServer().build()),
          Duration.ofSeconds(5))));
      down(result(checker.checkOnce(TcpCheck.of(target).withTls(TlsSettings.defaults()), Duration.ofSeconds(5))),
          DownReason.CERTIFICATE);
    }
  }
}
