package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel client under load and without privilege, on the real kernel (inside the lab, started by
 * KernelLabIT): 100,000 destinations dumped whole, one service whose dump spans many datagrams, threads sharing a
 * client and clients side by side, and EPERM without CAP_NET_ADMIN.
 */
final class NetlinkIpvsScaleIT {
  private IpvsClient ipvs;

  @BeforeEach
  void open() throws Exception {
    ipvs = Ipvs.open();
    ipvs.flush();
  }

  @AfterEach
  void close() throws Exception {
    ipvs.flush();
    ipvs.close();
  }

  private static ServiceKey service(int i) {
    return ServiceKey.of(Protocol.TCP, Endpoint.parse("172.16." + (i >> 8) + "." + (i & 0xff) + ":80"));
  }

  private static RealServer dest(int i, int d) {
    return RealServer.builder(Endpoint.parse("10." + (i >> 8) + "." + (i & 0xff) + "." + (d % 250 + 1) + ":"
        + (8000 + d / 250))).forwarding(ForwardingMethod.MASQUERADE).weight(d % 7).build();
  }

  @Test
  void dump_ofOneHundredThousandDestinations() throws Exception {
    List<IpvsChange> changes = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      changes.add(new IpvsChange.AddService(VirtualService.builder(service(i)).scheduler("wrr").build()));
      for (int d = 0; d < 100; d++) {
        changes.add(new IpvsChange.AddDestination(service(i), dest(i, d)));
      }
    }
    List<Optional<IpvsException>> results = ipvs.execute(changes);
    assertEquals(0, results.stream().filter(Optional::isPresent).count());
    Map<VirtualService, Set<RealServer>> expected = new HashMap<>();
    for (IpvsChange c : changes) {
      if (c instanceof IpvsChange.AddService a) {
        expected.put(a.service(), new HashSet<>());
      }
    }
    for (IpvsChange c : changes) {
      if (c instanceof IpvsChange.AddDestination a) {
        expected.get(VirtualService.builder(a.service()).scheduler("wrr").build()).add(a.destination());
      }
    }
    List<IpvsService> services = ipvs.listServices();
    assertEquals(1000, services.size());
    int total = 0;
    Map<VirtualService, Set<RealServer>> dumped = new HashMap<>();
    for (IpvsService s : services) {
      List<IpvsDestination> dests = ipvs.listDestinations(s.service().key());
      assertEquals(100, dests.size(), s.service().key().toString());
      total += dests.size();
      dumped.put(s.service(), dests.stream().map(IpvsDestination::server).collect(Collectors.toSet()));
    }
    assertEquals(100_000, total);
    // every service and destination as programmed (address, port, weight, forwarding), none twice or lost
    assertEquals(expected, dumped);
  }

  @Test
  void dump_ofOneServiceSpanningManyDatagrams() throws Exception {
    ipvs.addService(VirtualService.builder(service(1)).build());
    List<IpvsChange> changes = new ArrayList<>();
    for (int d = 0; d < 3000; d++) {
      changes.add(new IpvsChange.AddDestination(service(1), dest(1, d)));
    }
    assertEquals(0, ipvs.execute(changes).stream().filter(Optional::isPresent).count());
    List<IpvsDestination> dests = ipvs.listDestinations(service(1));
    assertEquals(3000, dests.size());
    assertEquals(3000, dests.stream().map(d -> d.server().endpoint()).distinct().count());
  }

  @Test
  void concurrentUse_sharedClientAndSeparateClients() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        jobs.add(pool.submit(() -> {
          // even threads share this test's client, odd ones open their own
          try (IpvsClient own = thread % 2 == 1 ? Ipvs.open() : null) {
            IpvsClient c = own != null ? own : ipvs;
            for (int k = 0; k < 25; k++) {
              int i = thread * 25 + k;
              c.addService(VirtualService.builder(service(i)).build());
              for (int d = 0; d < 4; d++) {
                c.addDestination(service(i), dest(i, d));
              }
              c.listServices();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : jobs) {
        f.get(300, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(200, ipvs.listServices().size());
    for (int i = 0; i < 200; i++) {
      assertEquals(4, ipvs.listDestinations(service(i)).size());
    }
  }

  @Test
  void withoutCapNetAdmin_isAPermissionError() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder("setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin", java,
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        PermissionProbe.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertTrue(out.contains("IpvsPermissionException errno=1: add service TCP 192.0.2.77:80: operation not permitted"
        + " (EPERM); needs CAP_NET_ADMIN"), out);
    assertEquals(Optional.empty(), ipvs.getService(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.77:80"))));
  }
}
