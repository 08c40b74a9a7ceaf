package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.RealServer;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A keepalived.conf with HTTP_GET and TCP_CHECK on real loopback servers, checked for real. */
final class DirectorHealthCheckTest {

  @Test
  void stoppedBackend_leavesThePool_inhibitedOneStaysAtWeight0() throws Exception {
    try (LoopbackBackends backends = new LoopbackBackends(3)) {
      String conf = """
          virtual_server 192.0.2.10 80 {
            protocol TCP
            delay_loop 0.2
            lb_algo rr
            lb_kind NAT
            real_server 127.0.0.1 %d {
              weight 2
              HTTP_GET {
                url {
                  path /health
                }
                connect_timeout 1
                retry 0
              }
            }
            real_server 127.0.0.1 %d {
              inhibit_on_failure
              TCP_CHECK {
                connect_timeout 1
                retry 0
              }
            }
            real_server 127.0.0.1 %d {
              HTTP_GET {
                url {
                  path /health
                  status_code 200
                }
                connect_timeout 1
                retry 0
              }
            }
          }
          """.formatted(backends.port(0), backends.port(1), backends.port(2));
      KeepalivedConfig config = KeepalivedConfigParser.parse("t.conf", conf, Path.of(".")).orThrow();
      VirtualServerConfig vs = config.virtualServers().get(0);

      RecordingTableWriter writer = new RecordingTableWriter();
      LinkedBlockingQueue<DirectorEvent> events = new LinkedBlockingQueue<>();
      Director director = Director.builder(writer).pool(ServicePool.from(vs)).listener(events::add).build();
      director.start();
      assertEquals(3, writer.table.get(vs.service().key()).realServers().size());

      List<Target> targets = HealthTargets.of(vs);
      assertEquals(3, targets.size());
      try (HealthChecker checker = HealthChecker.builder().listener(director).build()) {
        targets.forEach(checker::add);
        backends.stop(0);
        backends.stop(1);
        Endpoint first = Endpoint.parse("127.0.0.1:" + backends.port(0));
        Endpoint second = Endpoint.parse("127.0.0.1:" + backends.port(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
          List<RealServer> now = writer.table.get(vs.service().key()).realServers();
          boolean firstGone = now.stream().noneMatch(rs -> rs.endpoint().equals(first));
          boolean secondZero = now.stream().anyMatch(rs -> rs.endpoint().equals(second) && rs.weight() == 0);
          if (firstGone && secondZero) {
            break;
          }
          events.poll(200, TimeUnit.MILLISECONDS);
        }
        List<RealServer> now = director.table().get(0).realServers();
        assertEquals(List.of(second, Endpoint.parse("127.0.0.1:" + backends.port(2))),
            now.stream().map(RealServer::endpoint).toList(), "table " + now);
        assertEquals(0, now.get(0).weight());
        assertEquals(1, now.get(1).weight());
        assertTrue(director.status().pools().get(0).quorumHeld());
      }
    }
  }
}
