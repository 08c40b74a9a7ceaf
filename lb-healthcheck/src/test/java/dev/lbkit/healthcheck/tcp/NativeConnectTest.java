package dev.lbkit.healthcheck.tcp;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.FullListener;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.RefusingPort;
import dev.lbkit.healthcheck.Resources;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The Linux epoll path for plain TCP connect checks ({@code HealthChecker.Builder.nativeConnect}): the same results
 * as the JDK channel path, deadlines, reused sockets bounded and closed with the checker.
 */
final class NativeConnectTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static Endpoint loopback(int port) {
    return new Endpoint(InetAddress.getLoopbackAddress(), port);
  }

  /**
   * The descriptor count once the native binding and a loop have been used: loading JNA leaves a few descriptors
   * open for the life of the JVM, which are not the checker's.
   */
  private static int baselineFds() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      up(check(true, TcpCheck.of(loopback(server.getLocalPort())), TIMEOUT));
    }
    return Resources.openFds();
  }

  private static CheckResult check(boolean nativeConnect, TcpCheck check, Duration timeout) {
    try (HealthChecker checker = HealthChecker.builder().nativeConnect(nativeConnect).build()) {
      assertEquals(nativeConnect, checker.nativeConnect(), "this Linux test machine must load the epoll path");
      return result(checker.checkOnce(check, timeout));
    }
  }

  @Test
  void openAndClosedPort_giveTheSameResultsOnBothPaths() throws Exception {
    try (RefusingPort refusing = new RefusingPort()) {
      try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        TcpCheck open = TcpCheck.of(loopback(server.getLocalPort()));
        assertEquals(up(check(false, open, TIMEOUT)), up(check(true, open, TIMEOUT)));
      }
      TcpCheck closed = TcpCheck.of(refusing.endpoint());
      CheckResult.Down viaNio = down(check(false, closed, TIMEOUT), DownReason.REFUSED);
      assertEquals(viaNio, down(check(true, closed, TIMEOUT), DownReason.REFUSED));
    }
  }

  @Test
  void ipv6Loopback_isUp() throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
      up(check(true, TcpCheck.of(new Endpoint(InetAddress.getByName("::1"), server.getLocalPort())), TIMEOUT));
    }
  }

  @Test
  void unansweredSyn_timesOutByTheDeadline_withTheSameWordingAsTheChannelPath() throws Exception {
    try (FullListener full = new FullListener()) {
      TcpCheck check = TcpCheck.of(loopback(full.port()));
      Duration deadline = Duration.ofMillis(300);
      CheckResult.Down viaNative = down(check(true, check, deadline), DownReason.TIMEOUT);
      CheckResult.Down viaNio = down(check(false, check, deadline), DownReason.TIMEOUT);
      assertTrue(viaNative.detail().contains("SYN"), viaNative.detail());
      assertEquals(viaNio, viaNative);
    }
  }

  @Test
  void synAnsweredOnlyOnRetransmission_isUpOnBothPaths() throws Exception {
    List<CheckResult> results = new ArrayList<>();
    for (boolean nativeConnect : new boolean[] {true, false}) {
      try (FullListener late = new FullListener();
          HealthChecker checker = HealthChecker.builder().nativeConnect(nativeConnect).build()) {
        CompletableFuture<CheckResult> f = checker.checkOnce(TcpCheck.of(loopback(late.port())), TIMEOUT);
        Thread.sleep(300); // the first SYN is dropped; the epoll path waits in epoll, not within connect
        late.drain();
        results.add(up(result(f)));
      }
    }
    assertEquals(results.get(1), results.get(0));
  }

  @Test
  void reusedSockets_areBounded_andClosedWithTheChecker() throws Exception {
    int before = baselineFds();
    try (ServerSocket server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            s.getInputStream().read(); // until the checker resets the connection
          } catch (IOException e) {
            // reset by the checker, or the server closed: next
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      TcpCheck check = TcpCheck.of(loopback(server.getLocalPort()));
      try (HealthChecker checker = HealthChecker.builder().build()) {
        for (int i = 0; i < 300; i++) {
          up(result(checker.checkOnce(check, TIMEOUT)));
        }
        // one at a time: one socket is reused throughout (plus the loop's selector, epoll set, eventfd)
        int during = Resources.openFds();
        assertTrue(during <= before + 12, "300 sequential checks hold " + (during - before) + " descriptors");
      }
    }
    int after = Resources.openFdsSettlingTo(before);
    assertTrue(after <= before, "file descriptors leaked: " + before + " before, " + after + " after");
  }

  @Test
  void closingTheChecker_abortsAttemptsInFlight_andClosesTheirSockets() throws Exception {
    int before = baselineFds();
    List<CompletableFuture<CheckResult>> pending = new ArrayList<>();
    try (FullListener full = new FullListener()) {
      HealthChecker checker = HealthChecker.builder().build();
      for (int i = 0; i < 20; i++) {
        pending.add(checker.checkOnce(TcpCheck.of(loopback(full.port())), Duration.ofSeconds(30)));
      }
      checker.close();
      for (CompletableFuture<CheckResult> f : pending) {
        CheckResult.Down d = down(result(f), DownReason.IO_ERROR);
        assertEquals("checker closed", d.detail());
      }
    }
    int after = Resources.openFdsSettlingTo(before);
    assertTrue(after <= before, "file descriptors leaked: " + before + " before, " + after + " after");
  }

  @Test
  void checksWithTlsOrBindTo_stayOnTheChannelPath_andStillWork() throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      TcpCheck bound = TcpCheck.of(Endpoint.parse("127.0.0.1:" + server.getLocalPort()))
          .withBindTo(InetAddress.getByName("127.0.0.2"));
      up(check(true, bound, TIMEOUT));
      assertFalse(check(true, bound.withBindTo(InetAddress.getByName("192.0.2.77")), TIMEOUT).isUp());
    }
  }
}
