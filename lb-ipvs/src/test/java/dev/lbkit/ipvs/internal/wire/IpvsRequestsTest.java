package dev.lbkit.ipvs.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsTimeouts;
import dev.lbkit.ipvs.SyncDaemon;
import dev.lbkit.ipvs.internal.netlink.Netlink;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * lbkit's requests are byte for byte those of the real ipvsadm 1.31 for the same command (vectors captured in the
 * kernel lab); only the sequence number and port id are taken from the capture.
 */
final class IpvsRequestsTest {
  private static final Map<String, IpvsadmVectors.Run> RUNS = IpvsadmVectors.load();
  private static final int FAMILY = 0x20; // the IPVS family id in the capture
  private static final IpvsRequests REQ = new IpvsRequests(FAMILY);
  private static final int ACK = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK;
  private static final int DUMP = Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP;

  private static final ServiceKey WEB = tcp("192.0.2.10:80");

  private static ServiceKey tcp(String endpoint) {
    return ServiceKey.of(Protocol.TCP, Endpoint.parse(endpoint));
  }

  /** Asserts that ipvsadm ARGS sent, as its message number INDEX (after the controller lookup), what we encode. */
  private static void assertSame(String args, int index, NetlinkMessageWriter ours, int flagsAdded) {
    IpvsadmVectors.Run run = RUNS.get(args);
    if (run == null) {
      throw new AssertionError("no captured run of ipvsadm " + args);
    }
    byte[] theirs = run.sent().get(index);
    byte[] mine = ours.toByteArray();
    ByteBuffer t = ByteBuffer.wrap(theirs).order(ByteOrder.nativeOrder());
    ByteBuffer m = ByteBuffer.wrap(mine).order(ByteOrder.nativeOrder());
    m.putShort(6, (short) (m.getShort(6) | flagsAdded));
    m.putInt(8, t.getInt(8));
    m.putInt(12, t.getInt(12));
    assertEquals(HexFormat.of().formatHex(theirs), HexFormat.of().formatHex(mine), "ipvsadm " + args);
  }

  @Test
  void getInfo_isWhatIpvsadmSendsFirst() {
    for (IpvsadmVectors.Run run : RUNS.values()) {
      assertSame(run.args(), 0, REQ.getInfo(), ACK);
    }
  }

  @Test
  void addService_tcpDefaults() {
    assertSame("-A -t 192.0.2.10:80 -s wlc", 1, REQ.newService(VirtualService.builder(WEB).build()), ACK);
  }

  @Test
  void addService_persistentWithNetmask() {
    assertSame("-A -t 192.0.2.10:443 -s rr -p 600 -M 255.255.255.0", 1,
        REQ.newService(VirtualService.builder(tcp("192.0.2.10:443")).scheduler("rr")
            .persistence(Persistence.of(Duration.ofSeconds(600), 24)).build()), ACK);
  }

  @Test
  void addService_udpIpv6WithSchedulerFlagsAndOnePacket() {
    assertSame("-A -u [2001:db8::10]:53 -s sh -b sh-port,sh-fallback -o", 1,
        REQ.newService(VirtualService.builder(ServiceKey.of(Protocol.UDP, Endpoint.parse("[2001:db8::10]:53")))
            .scheduler("sh").schedulerFlag(SchedulerFlag.SH_PORT).schedulerFlag(SchedulerFlag.SH_FALLBACK)
            .onePacket(true).build()), ACK);
  }

  @Test
  void addService_firewallMarks() {
    assertSame("-A -f 42 -s mh -b mh-port -p 300", 1,
        REQ.newService(VirtualService.builder(ServiceKey.firewallMark(42)).scheduler("mh")
            .schedulerFlag(SchedulerFlag.MH_PORT).persistence(Persistence.of(Duration.ofSeconds(300))).build()), ACK);
    assertSame("-A -f 43 -6 -s lc -p 120 -M 64", 1,
        REQ.newService(VirtualService.builder(new ServiceKey.FirewallMark(43, dev.lbkit.api.AddressFamily.IPV6))
            .scheduler("lc").persistence(Persistence.of(Duration.ofSeconds(120), 64)).build()), ACK);
  }

  @Test
  void addService_sctpAndPersistenceEngine() {
    assertSame("-A --sctp-service 198.51.100.1:3868 -s wrr", 1,
        REQ.newService(VirtualService.builder(ServiceKey.of(Protocol.SCTP, Endpoint.parse("198.51.100.1:3868")))
            .scheduler("wrr").build()), ACK);
    assertSame("-A -t 192.0.2.20:5060 -s rr -p 60 --pe sip", 1,
        REQ.newService(VirtualService.builder(tcp("192.0.2.20:5060")).scheduler("rr")
            .persistence(Persistence.of(Duration.ofSeconds(60))).persistenceEngine("sip").build()), ACK);
  }

  @Test
  void editAndDeleteService() {
    assertSame("-E -t 192.0.2.10:80 -s rr", 1, REQ.setService(VirtualService.builder(WEB).scheduler("rr").build()),
        ACK);
    assertSame("-D -t 192.0.2.10:443", 1, REQ.delService(tcp("192.0.2.10:443")), ACK);
  }

  @Test
  void addDestination_masqueradeWithThresholds() {
    assertSame("-a -t 192.0.2.10:80 -r 10.0.0.2:8080 -m -w 3 -x 100 -y 10", 1,
        REQ.newDest(WEB, RealServer.builder(Endpoint.parse("10.0.0.2:8080")).forwarding(ForwardingMethod.MASQUERADE)
            .weight(3).upperThreshold(100).lowerThreshold(10).build()), ACK);
  }

  @Test
  void addDestination_routeWeightZero() {
    assertSame("-a -t 192.0.2.10:80 -r 10.0.0.3:80 -g -w 0", 1,
        REQ.newDest(WEB, RealServer.builder(Endpoint.parse("10.0.0.3:80")).weight(0).build()), ACK);
  }

  @Test
  void addDestination_tunnels() {
    assertSame("-a -t 192.0.2.10:80 -r 10.0.0.4:80 -i --tun-type gue --tun-port 6080 --tun-csum", 1,
        REQ.newDest(WEB, RealServer.builder(Endpoint.parse("10.0.0.4:80"))
            .tunnel(Tunnel.gue(6080, Tunnel.Checksum.CHECKSUM)).build()), ACK);
    assertSame("-a -t 192.0.2.10:80 -r 10.0.0.5:80 -i --tun-type gre --tun-csum -x 50", 1,
        REQ.newDest(WEB, RealServer.builder(Endpoint.parse("10.0.0.5:80"))
            .tunnel(Tunnel.gre(Tunnel.Checksum.CHECKSUM)).upperThreshold(50).build()), ACK);
  }

  @Test
  void addDestination_ipv6AndFirewallMark() {
    assertSame("-a -u [2001:db8::10]:53 -r [2001:db8::53]:53 -m -w 7", 1,
        REQ.newDest(ServiceKey.of(Protocol.UDP, Endpoint.parse("[2001:db8::10]:53")),
            RealServer.builder(Endpoint.parse("[2001:db8::53]:53")).forwarding(ForwardingMethod.MASQUERADE).weight(7)
                .build()), ACK);
    assertSame("-a -f 42 -r 10.0.0.9:0 -g", 1,
        REQ.newDest(ServiceKey.firewallMark(42), RealServer.builder(Endpoint.parse("10.0.0.9:0")).build()), ACK);
  }

  @Test
  void editAndDeleteDestination() {
    assertSame("-e -t 192.0.2.10:80 -r 10.0.0.2:8080 -m -w 5", 1,
        REQ.setDest(WEB, RealServer.builder(Endpoint.parse("10.0.0.2:8080")).forwarding(ForwardingMethod.MASQUERADE)
            .weight(5).build()), ACK);
    assertSame("-d -t 192.0.2.10:80 -r 10.0.0.3:80", 1, REQ.delDest(WEB, Endpoint.parse("10.0.0.3:80")), ACK);
  }

  @Test
  void dumps_servicesThenEachServicesDestinations() {
    assertSame("-Ln", 1, REQ.dumpServices(), DUMP);
    assertSame("-Ln", 2, REQ.dumpDests(WEB), DUMP);
    assertSame("-Ln", 8, REQ.dumpDests(new ServiceKey.FirewallMark(43, dev.lbkit.api.AddressFamily.IPV6)), DUMP);
    assertSame("-L -n -t 192.0.2.10:80", 1, REQ.getService(WEB), ACK);
  }

  @Test
  void zeroFlushTimeouts() {
    assertSame("-Z -t 192.0.2.10:80", 1, REQ.zero(WEB), ACK);
    assertSame("-Z", 1, REQ.zeroAll(), ACK);
    assertSame("-C", 1, REQ.flush(), ACK);
    assertSame("--set 900 120 300", 1, REQ.setConfig(IpvsTimeouts.ofSeconds(900, 120, 300)), ACK);
    assertSame("-L --timeout", 1, REQ.getConfig(), ACK);
  }

  @Test
  void syncDaemons() {
    assertSame("--start-daemon master --mcast-interface lo --syncid 7", 1,
        REQ.newDaemon(SyncDaemon.of(SyncDaemon.Role.MASTER, "lo", 7)), ACK);
    assertSame("--start-daemon backup --mcast-interface lo --syncid 9 --sync-maxlen 1400 --mcast-group 239.1.2.3"
            + " --mcast-port 8849 --mcast-ttl 2", 1,
        REQ.newDaemon(new SyncDaemon(SyncDaemon.Role.BACKUP, "lo", 9, 1400,
            Optional.of(Endpoint.parseAddress("239.1.2.3")), 8849, 2)), ACK);
    assertSame("--stop-daemon master", 1, REQ.delDaemon(SyncDaemon.Role.MASTER), ACK);
    assertSame("--stop-daemon backup", 1, REQ.delDaemon(SyncDaemon.Role.BACKUP), ACK);
    assertSame("-L --daemon", 1, REQ.dumpDaemons(), DUMP);
  }

  @Test
  void everyCapturedRunIsCovered() {
    // guards against a vector file that silently lost runs
    assertEquals(List.of(), RUNS.values().stream().filter(r -> r.sent().isEmpty()).map(IpvsadmVectors.Run::args)
        .toList());
  }
}
