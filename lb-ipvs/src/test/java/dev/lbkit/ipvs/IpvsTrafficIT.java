package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsadmFormat.Columns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through real IPVS NAT (inside the kernel lab, started by KernelLabIT): a client namespace fetches
 * over HTTP from a virtual service whose real server runs in a second namespace, and lbkit reads the counters the
 * kernel kept, the same numbers {@code ipvsadm -Ln --stats --exact} prints, and non-zero.
 */
final class IpvsTrafficIT {
  private static final int REQUESTS = 5;
  private static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, Endpoint.parse("10.77.0.1:80"));
  private static final Endpoint SERVER = Endpoint.parse("10.78.0.2:8080");

  private IpvsClient ipvs;
  private Process server;

  @BeforeEach
  void setUp() throws Exception {
    ipvs = Ipvs.open();
    ipvs.flush();
    sh("ip addr add 10.77.0.1/32 dev lo"); // the virtual service's address is local, as on a director
  }

  /** The client and real server namespaces, joined to this one by veth pairs, and the real server's HTTP server. */
  private void startNamespaces() throws Exception {
    sh("modprobe veth 2>/dev/null || true; sysctl -qw net.ipv4.ip_forward=1"
        + "; ip netns add lbkit-rs && ip netns add lbkit-cl"
        + " && ip link add v-rs type veth peer name eth0 netns lbkit-rs"
        + " && ip link add v-cl type veth peer name eth0 netns lbkit-cl"
        + " && ip addr add 10.78.0.1/24 dev v-rs && ip link set v-rs up"
        + " && ip addr add 10.79.0.1/24 dev v-cl && ip link set v-cl up"
        + " && ip -n lbkit-rs addr add 10.78.0.2/24 dev eth0 && ip -n lbkit-rs link set eth0 up"
        + " && ip -n lbkit-rs route add default via 10.78.0.1"
        + " && ip -n lbkit-cl addr add 10.79.0.2/24 dev eth0 && ip -n lbkit-cl link set eth0 up"
        + " && ip -n lbkit-cl route add default via 10.79.0.1");
    server = new ProcessBuilder("ip", "netns", "exec", "lbkit-rs", "python3", "-u", "-m", "http.server", "8080",
        "--bind", "10.78.0.2").redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertTrue(line != null && line.startsWith("Serving HTTP"), "the real server did not start: " + line);
    // keep draining its request log so that it never blocks on a full pipe
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // discard
        }
      } catch (IOException e) {
        // the server is gone
      }
    }, "real-server-log");
    drain.setDaemon(true);
    drain.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    ipvs.flush();
    ipvs.close();
    sh("ip netns del lbkit-rs 2>/dev/null; ip netns del lbkit-cl 2>/dev/null; ip addr del 10.77.0.1/32 dev lo; true");
  }

  @Test
  void countersOfRealTrafficAreNonZeroAndMatchIpvsadm() throws Exception {
    startNamespaces();
    ipvs.addService(VirtualService.builder(WEB).scheduler("rr").build());
    ipvs.addDestination(WEB, RealServer.builder(SERVER).forwarding(ForwardingMethod.MASQUERADE).build());

    String statuses = sh("ip netns exec lbkit-cl python3 -c 'import urllib.request\n"
        + "for i in range(" + REQUESTS + "):\n"
        + "  print(urllib.request.urlopen(\"http://10.77.0.1/\", timeout=20).status)'");
    assertEquals("200\n".repeat(REQUESTS), statuses);

    // the kernel folds its per-CPU counters into what it reports every 2 s (the rate estimator's tick)
    IpvsService service = awaitConnections(REQUESTS);
    IpvsStats s = service.stats().orElseThrow();
    assertTrue(s.packetsIn() >= 3L * REQUESTS && s.packetsOut() >= 2L * REQUESTS, s.toString());
    assertTrue(s.bytesIn() > 0 && s.bytesOut() > s.bytesIn(), "a GET is smaller than its reply: " + s);
    assertTrue(s.wide(), "6.1 sends 64-bit counters");

    List<IpvsDestination> dests = ipvs.listDestinations(WEB);
    assertEquals(1, dests.size());
    IpvsDestination d = dests.get(0);
    assertEquals(REQUESTS, d.stats().orElseThrow().connections());
    assertEquals(s.packetsIn(), d.stats().orElseThrow().packetsIn());
    assertEquals(s.bytesOut(), d.stats().orElseThrow().bytesOut());
    // every connection has been closed by the client; NAT keeps each in TIME_WAIT, counted as inactive
    assertEquals(0, d.activeConnections());
    assertEquals(REQUESTS, d.inactiveConnections());
    // a listing without counters: the same entries and connection counts, the counters left out
    assertEquals(List.of(IpvsService.withoutStats(service.service())),
        ipvs.listServices(IpvsClient.Stats.OMITTED));
    assertEquals(List.of(IpvsDestination.withoutStats(d.server(), d.activeConnections(),
        d.inactiveConnections(), d.persistentConnections())), ipvs.listDestinations(WEB, IpvsClient.Stats.OMITTED));

    String version = IpvsadmFormat.versionLine(ipvs.info()) + "\n";
    List<IpvsadmFormat.Entry> snapshot = IpvsadmFormat.snapshot(ipvs);
    assertEquals(IpvsadmInteropIT.run(null, "ipvsadm", "-Ln", "--stats", "--exact"),
        version + IpvsadmFormat.list(snapshot, Columns.STATS, true));
    assertEquals(IpvsadmInteropIT.run(null, "ipvsadm", "-Ln"), version + IpvsadmFormat.list(snapshot,
        Columns.DEFAULT, false));
    assertEquals(IpvsadmInteropIT.run(null, "ipvsadm", "-Ln"), version + IpvsadmFormat.list(
        IpvsadmFormat.snapshot(ipvs, Columns.DEFAULT.stats()), Columns.DEFAULT, false));

    // the connection table: one closed (TIME_WAIT or CLOSE, by who closed first) entry per request, printed as ipvsadm -Lnc prints it; the expiry
    // counts down between two reads, so the comparison allows the second to tick by once
    List<IpvsConnection> connections = IpvsConnections.read();
    assertEquals(REQUESTS, connections.size(), connections.toString());
    for (IpvsConnection c : connections) {
      assertEquals("TCP", c.protocol());
      assertTrue(c.state().equals("TIME_WAIT") || c.state().equals("CLOSE"), c.toString());
      assertEquals(Endpoint.parseAddress("10.79.0.2"), c.client().address());
      assertEquals(WEB, ServiceKey.of(Protocol.TCP, c.virtual()));
      assertEquals(SERVER, c.destination());
    }
    String before = IpvsadmFormat.connections(IpvsConnections.read(), false);
    String real = IpvsadmInteropIT.run(null, "ipvsadm", "-Lnc");
    String after = IpvsadmFormat.connections(IpvsConnections.read(), false);
    assertTrue(real.equals(before) || real.equals(after), "ipvsadm -Lnc:\n" + real + "lbkit:\n" + after);

    ipvs.zero(WEB);
    assertEquals(0, awaitConnections(0).stats().orElseThrow().bytesIn());
  }

  @Test
  void destinationsOnLocalAddressesKeepTheirForwardingMethod() throws Exception {
    // kernels before 2.6.37 switched such destinations to Local forwarding; 6.1 keeps what was asked, and so does
    // InMemoryIpvs
    RealServer self = RealServer.builder(Endpoint.parse("10.77.0.1:80")).forwarding(ForwardingMethod.MASQUERADE)
        .build();
    RealServer loopback = RealServer.builder(Endpoint.parse("127.0.0.1:80"))
        .forwarding(ForwardingMethod.DIRECT_ROUTE).build();
    for (IpvsClient client : List.of(ipvs, Ipvs.inMemory())) {
      client.addService(VirtualService.builder(WEB).scheduler("rr").build());
      client.addDestination(WEB, self);
      client.addDestination(WEB, loopback);
      assertEquals(Set.of(self, loopback), Set.copyOf(client.table().get(0).realServers()),
          client.getClass().getSimpleName());
    }
    assertTrue(IpvsadmInteropIT.run(null, "ipvsadm", "-Ln").contains("  -> 10.77.0.1:80                 Masq    1"));
  }

  /**
   * Reads the service until its connection count is {@code expected} and a read 2.2 s later (past the estimator's
   * next tick) agrees: polls every 0.2 s for the count, then confirms.
   */
  private IpvsService awaitConnections(long expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    IpvsService previous = null;
    while (true) {
      IpvsService now = ipvs.getService(WEB).orElseThrow();
      IpvsStats stats = now.stats().orElseThrow();
      if (previous != null && stats.connections() == expected
          && stats.bytesIn() == previous.stats().orElseThrow().bytesIn()
          && stats.connections() == previous.stats().orElseThrow().connections()) {
        return now;
      }
      assertTrue(System.nanoTime() < deadline, "counters did not settle at " + expected + " connections: "
          + stats);
      if (stats.connections() == expected) {
        previous = now;
        Thread.sleep(2200);
      } else {
        previous = null;
        Thread.sleep(200);
      }
    }
  }

  private static String sh(String script) throws IOException, InterruptedException {
    return IpvsadmInteropIT.run(null, "sh", "-c", script);
  }
}
