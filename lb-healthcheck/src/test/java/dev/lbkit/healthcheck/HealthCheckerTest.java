package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The public facade on a real loop against a real listener that comes and goes. */
final class HealthCheckerTest {
  private final BlockingQueue<DestinationEvent> events = new LinkedBlockingQueue<>();

  private DestinationEvent next() throws InterruptedException {
    DestinationEvent e = events.poll(Await.HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(e, "no event within " + Await.HANG_GUARD);
    return e;
  }

  @Test
  void listenerSeesUpThenDownThenUp_asTheServerComesAndGoes() throws Exception {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    int port = server.getLocalPort();
    Endpoint dest = new Endpoint(InetAddress.getLoopbackAddress(), port);
    CheckPolicy policy = CheckPolicy.haproxy().interval(Duration.ofMillis(50)).timeout(Duration.ofSeconds(2))
        .rise(2).fall(2).build();
    try (HealthChecker checker = HealthChecker.builder().threads(2).listener(events::add)
        .listener(e -> {
          throw new IllegalStateException("a broken listener must not stop the others");
        }).build()) {
      Target target = Target.of(dest, 10, TcpCheck.of(dest), policy);
      checker.add(target);
      assertThrows(IllegalArgumentException.class, () -> checker.add(target));
      assertTrue(next() instanceof DestinationUp); // initial state
      server.close();
      DestinationEvent down = next();
      assertTrue(down instanceof DestinationDown, down.toString());
      // A check whose handshake completed in the listener's backlog just before close() is reset by the closing
      // listener; later ones are refused. Which of the two ends the run of failures is a race.
      assertTrue(down.reason().startsWith("refused") || down.reason().startsWith("reset"), down.reason());
      assertFalse(checker.status(target.key()).get().up());
      try (ServerSocket again = new ServerSocket()) {
        again.setReuseAddress(true);
        again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        DestinationEvent up = next();
        assertTrue(up instanceof DestinationUp, up.toString());
        assertEquals(dest, up.destination());
        assertTrue(checker.status(target.key()).get().up());
        assertTrue(checker.remove(target.key()));
        assertFalse(checker.remove(target.key()));
      }
    }
  }

  @Test
  void serviceQuorum_onARealChecker_bringsTheSorryServerInAndOut() throws Exception {
    BlockingQueue<String> quorum = new LinkedBlockingQueue<>();
    BlockingQueue<DestinationEvent> sorry = new LinkedBlockingQueue<>();
    Endpoint sorryServer = Endpoint.parse("127.0.0.1:9");
    ServerSocket b0 = new ServerSocket();
    try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      b0.setReuseAddress(true);
      b0.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      Endpoint ea = new Endpoint(InetAddress.getLoopbackAddress(), a.getLocalPort());
      Endpoint eb = new Endpoint(InetAddress.getLoopbackAddress(), b0.getLocalPort());
      ServiceQuorum q = ServiceQuorum.builder().destination(ea, 1).destination(eb, 1).quorum(2)
          .sorryServer(sorryServer).listener(sorry::add)
          .quorumListener((held, w, reason) -> quorum.add(held + " " + w)).build();
      CheckPolicy policy = CheckPolicy.haproxy().interval(Duration.ofMillis(50)).rise(1).fall(1).build();
      try (HealthChecker checker = HealthChecker.builder().listener(q).build()) {
        checker.add(Target.of(ea, 1, TcpCheck.of(ea), policy));
        checker.add(Target.of(eb, 1, TcpCheck.of(eb), policy));
        assertEquals("true 2", quorum.poll(0, TimeUnit.MILLISECONDS)); // announced at build, as keepalived's start
        b0.close();
        assertEquals("false 1", quorum.poll(Await.HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS));
        DestinationEvent in = sorry.poll(Await.HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(in instanceof DestinationUp && in.destination().equals(sorryServer), String.valueOf(in));
        try (ServerSocket b1 = new ServerSocket()) {
          b1.setReuseAddress(true);
          b1.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), eb.port()), 50);
          assertEquals("true 2", quorum.poll(Await.HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS));
          DestinationEvent out = sorry.poll(Await.HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
          assertTrue(out instanceof DestinationDown, String.valueOf(out));
        }
      }
    } finally {
      b0.close();
    }
  }

  @Test
  void closedChecker_refusesWork() {
    HealthChecker checker = HealthChecker.builder().build();
    checker.close();
    checker.close();
    Endpoint dest = Endpoint.parse("127.0.0.1:9");
    assertThrows(IllegalStateException.class, () -> checker.checkOnce(TcpCheck.of(dest), Duration.ofSeconds(1)));
  }
}
