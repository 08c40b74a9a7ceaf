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
      assertTrue(down.reason().startsWith("refused"), down.reason());
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
  void closedChecker_refusesWork() {
    HealthChecker checker = HealthChecker.builder().build();
    checker.close();
    checker.close();
    Endpoint dest = Endpoint.parse("127.0.0.1:9");
    assertThrows(IllegalStateException.class, () -> checker.checkOnce(TcpCheck.of(dest), Duration.ofSeconds(1)));
  }
}
