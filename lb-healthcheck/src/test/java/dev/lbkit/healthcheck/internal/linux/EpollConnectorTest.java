package dev.lbkit.healthcheck.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.healthcheck.FullListener;
import dev.lbkit.healthcheck.RefusingPort;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both outcomes of {@link EpollConnector#connect}'s second {@code connect}: the handshake already done within the
 * call (a peer on this host), or still in progress (EALREADY) and then reported by {@link EpollConnector#poll}.
 */
final class EpollConnectorTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Records what the connector reports for one attempt. */
  private static final class Recording implements EpollConnector.Outcome {
    final List<String> events = new ArrayList<>();

    @Override
    public void onConnected() {
      events.add("connected");
    }

    @Override
    public void onFailed(int errno, String message) {
      events.add("failed " + errno);
    }
  }

  /** Polls until {@code r} has heard of its attempt, for at most {@code millis}. */
  private static void pollUntilReported(EpollConnector c, Recording r, long millis) throws Exception {
    long end = System.nanoTime() + millis * 1_000_000;
    while (r.events.isEmpty() && System.nanoTime() - end < 0) {
      c.poll(50);
    }
  }

  @Test
  void loopbackHandshake_completesWithinConnect_withoutEpoll() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1000, LOOPBACK); EpollConnector c = EpollConnector.open()) {
      int atOnce = 0;
      for (int i = 0; i < 50; i++) {
        int h = c.connect(LOOPBACK, server.getLocalPort());
        if (h == EpollConnector.CONNECTED) {
          atOnce++;
          continue;
        }
        // softirq work deferred to ksoftirqd (a busy machine) leaves the handshake for later: epoll reports it
        assertTrue(h >= 0, "attempt " + i + " failed at once: errno " + -h);
        Recording r = new Recording();
        assertEquals(0, c.watch(h, r));
        pollUntilReported(c, r, 5000);
        assertEquals(List.of("connected"), r.events);
      }
      // on Linux the loopback handshake (SYN, SYN-ACK, ACK) runs inside the first connect's system call
      assertTrue(atOnce > 0, "no attempt of 50 completed within connect");
      assertEquals(atOnce, c.connectedAtOnce());
      assertEquals(50 - atOnce, c.reportedByPoll());
      assertEquals(0, c.pending());
    }
  }

  @Test
  void closedPort_isRefused() throws Exception {
    try (RefusingPort closed = new RefusingPort(); EpollConnector c = EpollConnector.open()) {
      int h = c.connect(LOOPBACK, closed.port());
      if (h >= 0 && h != EpollConnector.CONNECTED) { // the RST not yet processed: epoll reports it
        Recording r = new Recording();
        assertEquals(0, c.watch(h, r));
        pollUntilReported(c, r, 5000);
        assertEquals(List.of("failed 111"), r.events);
      } else {
        assertEquals(-111, h, "ECONNREFUSED within connect");
      }
      assertEquals(0, c.connectedAtOnce());
    }
  }

  @Test
  void synDropped_thenAnsweredOnRetransmission_waitsOnEpoll_andPollReportsTheConnection() throws Exception {
    try (FullListener late = new FullListener(); EpollConnector c = EpollConnector.open()) {
      int h = c.connect(LOOPBACK, late.port());
      assertTrue(h >= 0 && h != EpollConnector.CONNECTED, "the SYN is dropped: still in progress, but got " + h);
      Recording r = new Recording();
      assertEquals(0, c.watch(h, r));
      assertEquals(0, c.poll(200), "nothing to report while the SYN goes unanswered");
      late.drain(); // the listener answers again: the SYN retransmitted about a second after the first is accepted
      pollUntilReported(c, r, 5000);
      assertEquals(List.of("connected"), r.events);
      assertEquals(0, c.connectedAtOnce());
      assertEquals(1, c.reportedByPoll());
    }
  }

  @Test
  void ipv4Sockaddr_carriesTheAddressBigEndian_withoutCopyingIt() throws Exception {
    assertTrue(EpollConnector.IPV4_HASH_IS_ADDRESS, "OpenJDK 17's Inet4Address.hashCode() is the address");
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(28);
    for (String a : List.of("127.0.0.1", "10.200.3.4", "192.0.2.255", "255.255.255.254", "0.0.0.0")) {
      InetAddress address = InetAddress.getByName(a);
      assertEquals(16, EpollConnector.sockaddr(address, 0xabcd, b));
      byte[] got = new byte[16];
      b.get(got);
      byte[] want = new byte[16];
      want[java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0 : 1] = 2; // AF_INET, host order
      want[2] = (byte) 0xab;
      want[3] = (byte) 0xcd;
      System.arraycopy(address.getAddress(), 0, want, 4, 4);
      assertEquals(java.util.HexFormat.of().formatHex(want), java.util.HexFormat.of().formatHex(got), a);
    }
  }
}
