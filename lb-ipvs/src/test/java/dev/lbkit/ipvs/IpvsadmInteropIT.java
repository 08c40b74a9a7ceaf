package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsadmFormat.Columns;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * lbkit and the real ipvsadm on one kernel table (inside the kernel lab, started by KernelLabIT): what lbkit
 * programs, ipvsadm reads back as lbkit would print it, byte for byte; what ipvsadm programs, lbkit reads.
 */
final class IpvsadmInteropIT {
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

  /** A table that uses every attribute and orders that trip ipvsadm's signed comparisons. */
  static List<LoadBalancedService> variedTable() {
    List<LoadBalancedService> t = new ArrayList<>();
    ServiceKey web = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
    t.add(new LoadBalancedService(VirtualService.builder(web).scheduler("wrr").build(), List.of(
        RealServer.builder(Endpoint.parse("10.0.0.2:8080")).forwarding(ForwardingMethod.MASQUERADE).weight(3)
            .upperThreshold(100).lowerThreshold(10).build(),
        RealServer.builder(Endpoint.parse("203.0.113.9:80")).weight(0).build(),
        RealServer.builder(Endpoint.parse("172.16.0.1:80")).tunnel(Tunnel.gue(6080, Tunnel.Checksum.CHECKSUM)).build(),
        RealServer.builder(Endpoint.parse("192.168.1.1:80")).tunnel(Tunnel.gre(Tunnel.Checksum.NONE)).build(),
        RealServer.builder(Endpoint.parse("10.0.0.3:80")).tunnel(Tunnel.IPIP).weight(65535).build(),
        RealServer.builder(Endpoint.parse("[2001:db8::7]:80")).tunnel(Tunnel.gue(7000, Tunnel.Checksum.REMOTE_CHECKSUM))
            .build())));
    t.add(new LoadBalancedService(VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("10.9.9.9:443")))
        .scheduler("sh").schedulerFlag(SchedulerFlag.SH_PORT).schedulerFlag(SchedulerFlag.SH_FALLBACK)
        .persistence(Persistence.of(Duration.ofSeconds(600), 24)).build(), List.of(
        RealServer.builder(Endpoint.parse("10.0.1.1:443")).build())));
    t.add(new LoadBalancedService(VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("200.1.1.1:80")))
        .build(), List.of()));
    t.add(new LoadBalancedService(VirtualService.builder(ServiceKey.of(Protocol.UDP, Endpoint.parse("[2001:db8::10]:53")))
        .scheduler("rr").onePacket(true).build(), List.of(
        RealServer.builder(Endpoint.parse("[2001:db8::53]:53")).forwarding(ForwardingMethod.MASQUERADE).weight(7)
            .build(),
        RealServer.builder(Endpoint.parse("[2001:db8::54]:53")).forwarding(ForwardingMethod.MASQUERADE).build())));
    t.add(new LoadBalancedService(VirtualService.builder(ServiceKey.of(Protocol.SCTP,
        Endpoint.parse("198.51.100.1:3868"))).scheduler("mh").schedulerFlag(SchedulerFlag.MH_FALLBACK).build(),
        List.of()));
    t.add(new LoadBalancedService(VirtualService.builder(ServiceKey.of(Protocol.UDP, Endpoint.parse("192.0.2.20:5060")))
        .scheduler("rr").persistence(Persistence.of(Duration.ofSeconds(60))).persistenceEngine("sip").build(),
        List.of()));
    t.add(new LoadBalancedService(VirtualService.builder(ServiceKey.firewallMark(3_000_000_000L)).scheduler("lc")
        .persistence(Persistence.of(Duration.ofSeconds(300), 0)).build(), List.of(
        RealServer.builder(Endpoint.parse("10.0.0.9:0")).build())));
    t.add(new LoadBalancedService(VirtualService.builder(ServiceKey.firewallMark(42)).scheduler("wlc")
        .schedulerFlag(SchedulerFlag.FLAG_3).build(), List.of()));
    t.add(new LoadBalancedService(VirtualService.builder(new ServiceKey.FirewallMark(43, AddressFamily.IPV6))
        .scheduler("lblcr").persistence(Persistence.of(Duration.ofSeconds(120), 64)).build(), List.of(
        RealServer.builder(Endpoint.parse("[2001:db8::99]:0")).build())));
    return t;
  }

  private void program(List<LoadBalancedService> table) throws IpvsException {
    for (LoadBalancedService s : table) {
      ipvs.addService(s.service());
      for (RealServer rs : s.realServers()) {
        ipvs.addDestination(s.service().key(), rs);
      }
    }
  }

  @Test
  void lbkitProgramsAndIpvsadmListsExactlyWhatIpvsadmFormatPrints() throws Exception {
    List<LoadBalancedService> desired = variedTable();
    program(desired);
    assertEquals(asSet(desired), asSet(ipvs.table()));
    List<IpvsadmFormat.Entry> snapshot = IpvsadmFormat.snapshot(ipvs);
    String version = IpvsadmFormat.versionLine(ipvs.info()) + "\n";
    assertEquals(run(null, "ipvsadm", "-Sn"), IpvsadmFormat.save(snapshot));
    assertEquals(run(null, "ipvsadm", "-Ln"), version + IpvsadmFormat.list(snapshot, Columns.DEFAULT, false));
    assertEquals(run(null, "ipvsadm", "-Ln", "--exact"), version + IpvsadmFormat.list(snapshot, Columns.DEFAULT,
        true));
    assertEquals(run(null, "ipvsadm", "-Ln", "--stats", "--exact"),
        version + IpvsadmFormat.list(snapshot, Columns.STATS, true));
    assertEquals(run(null, "ipvsadm", "-Ln", "--rate"), version + IpvsadmFormat.list(snapshot, Columns.RATE, false));
    assertEquals(run(null, "ipvsadm", "-Ln", "--thresholds"),
        version + IpvsadmFormat.list(snapshot, Columns.THRESHOLDS, false));
    assertEquals(run(null, "ipvsadm", "-Ln", "--persistent-conn"),
        version + IpvsadmFormat.list(snapshot, Columns.PERSISTENT_CONN, false));
  }

  @Test
  void ipvsadmRestoresAndLbkitReads() throws Exception {
    // ipvsadm -S prints a firewall mark above 2^31 as a negative number, which -R then refuses
    List<LoadBalancedService> desired = new ArrayList<>(variedTable());
    desired.removeIf(s -> s.service().key() instanceof ServiceKey.FirewallMark f && f.mark() > Integer.MAX_VALUE);
    program(desired);
    String rules = run(null, "ipvsadm", "-Sn");
    ipvs.flush();
    run(rules, "ipvsadm", "-R");
    // ipvsadm -S leaves out thresholds, so what comes back is the table without them
    List<LoadBalancedService> expected = new ArrayList<>();
    for (LoadBalancedService s : desired) {
      List<RealServer> servers = new ArrayList<>();
      for (RealServer rs : s.realServers()) {
        servers.add(rs.toBuilder().upperThreshold(0).lowerThreshold(0).build());
      }
      expected.add(new LoadBalancedService(s.service(), servers));
    }
    assertEquals(asSet(expected), asSet(ipvs.table()));
    assertEquals(rules, IpvsadmFormat.save(IpvsadmFormat.snapshot(ipvs)));
  }

  @Test
  void timeoutsAndDaemonsPrintAsIpvsadm() throws Exception {
    IpvsTimeouts before = ipvs.timeouts();
    try {
      ipvs.setTimeouts(IpvsTimeouts.ofSeconds(1000, 110, 200));
      assertEquals(run(null, "ipvsadm", "-L", "--timeout"), IpvsadmFormat.timeouts(ipvs.timeouts()));
      ipvs.startSyncDaemon(SyncDaemon.of(SyncDaemon.Role.MASTER, "lo", 7));
      ipvs.startSyncDaemon(new SyncDaemon(SyncDaemon.Role.BACKUP, "lo", 9, 1400,
          Optional.of(Endpoint.parseAddress("239.1.2.3")), 8849, 2));
      assertEquals(run(null, "ipvsadm", "-L", "--daemon"), IpvsadmFormat.daemons(ipvs.syncDaemons()));
    } finally {
      for (SyncDaemon d : ipvs.syncDaemons()) {
        ipvs.stopSyncDaemon(d.role());
      }
      ipvs.setTimeouts(before);
    }
  }

  /** The table as services with their sets of real servers: listing order is the kernel's business. */
  private static Map<VirtualService, Set<RealServer>> asSet(Collection<LoadBalancedService> table) {
    Map<VirtualService, Set<RealServer>> out = new HashMap<>();
    for (LoadBalancedService s : table) {
      out.put(s.service(), new HashSet<>(s.realServers()));
    }
    return out;
  }

  /** Runs a command to completion and returns its stdout; a non-zero exit fails with its stderr. */
  static String run(String stdin, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish in 60 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": "
          + new String(err, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
