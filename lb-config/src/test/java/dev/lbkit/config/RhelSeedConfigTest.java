package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.config.VrrpInstanceConfig.InitialState;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keepalived.conf examples of the seed document (RHEL 7 Load Balancer Administration, 3.1 and 3.2). */
final class RhelSeedConfigTest {

  static Path resource(String name) {
    try {
      return Path.of(RhelSeedConfigTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void basicLb1_givesTheModel() {
    ParseResult r = KeepalivedConfigParser.parse(resource("rhel7-3.1-basic-lb1.conf"));
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings());
    KeepalivedConfig c = r.config();

    assertEquals(List.of("admin@example.com"), c.globalDefs().notificationEmails());
    assertEquals("noreply@example.com", c.globalDefs().notificationEmailFrom().orElseThrow());
    assertEquals(Duration.ofSeconds(60), c.globalDefs().smtpConnectTimeout().orElseThrow());

    assertEquals(1, c.syncGroups().size());
    assertEquals(List.of("RH_EXT", "RH_INT"), c.syncGroups().get(0).instances());

    VrrpInstanceConfig ext = c.vrrpInstance("RH_EXT").orElseThrow();
    assertEquals(InitialState.MASTER, ext.initialState());
    assertEquals("eth0", ext.interfaceName());
    assertEquals(50, ext.virtualRouterId());
    assertEquals(100, ext.priority());
    assertEquals(Duration.ofSeconds(1), ext.advertInterval());
    assertEquals("passw123", ext.authentication().orElseThrow().password());
    assertEquals(Endpoint.parseAddress("10.0.0.1"), ext.virtualIpAddresses().get(0).address());
    assertEquals(32, ext.virtualIpAddresses().get(0).prefixLength());
    assertTrue(ext.preempt());
    assertEquals(2, c.vrrpInstance("RH_INT").orElseThrow().virtualRouterId());

    assertEquals(1, c.virtualServers().size());
    VirtualServerConfig vs = c.virtualServers().get(0);
    assertEquals(ServiceKey.of(Protocol.TCP, Endpoint.parse("10.0.0.1:80")), vs.service().key());
    assertEquals("rr", vs.service().scheduler());
    assertEquals(Duration.ofSeconds(6), vs.delayLoop());
    assertEquals(4, vs.realServers().size());
    RealServerConfig first = vs.realServers().get(0);
    assertEquals(RealServer.builder(Endpoint.parse("192.168.1.20:80")).forwarding(ForwardingMethod.MASQUERADE)
        .build(), first.realServer());
    HealthCheckConfig.Tcp check = (HealthCheckConfig.Tcp) first.checks().get(0);
    assertEquals(Endpoint.parse("192.168.1.20:80"), check.target());
    assertEquals(Duration.ofSeconds(10), check.connectTimeout());

    LoadBalancedService table = c.initialTable().get(0);
    assertEquals(4, table.realServers().size());
  }

  @Test
  void basicLb2_isTheBackupOfTheSameRouters() {
    ParseResult r = KeepalivedConfigParser.parse(resource("rhel7-3.1-basic-lb2.conf"));
    assertEquals(List.of(), r.errors());
    VrrpInstanceConfig ext = r.config().vrrpInstance("RH_EXT").orElseThrow();
    assertEquals(InitialState.BACKUP, ext.initialState());
    assertEquals(99, ext.priority());
    assertEquals(50, ext.virtualRouterId());
  }

  @Test
  void drActive_reportsTheMissingBraceAsKeepalivedDoes() {
    Path file = resource("rhel7-3.2-dr-active.conf");
    ParseResult r = KeepalivedConfigParser.parse(file);
    assertFalse(r.ok());
    assertEquals(List.of(
        file + ":30:29: missing '{' after 'virtual_server': the lines that follow are read as its block",
        file + ":58:1: extra '}' with no block open"),
        r.errors().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void drBackup_reportsTheSameMistake() {
    Path file = resource("rhel7-3.2-dr-backup.conf");
    ParseResult r = KeepalivedConfigParser.parse(file);
    assertEquals(List.of(new Location(file.toString(), 30, 29), new Location(file.toString(), 58, 1)),
        r.errors().stream().map(ConfigProblem::location).toList());
  }

  @Test
  void drActive_withTheBraceAdded_givesTheDirectRoutingService() throws Exception {
    String fixed = Files.readString(resource("rhel7-3.2-dr-active.conf"))
        .replace("virtual_server 172.31.0.1 80\n", "virtual_server 172.31.0.1 80 {\n");
    ParseResult r = KeepalivedConfigParser.parse("dr-fixed.conf", fixed, Path.of("."));
    assertEquals(List.of(), r.errors());
    VirtualServerConfig vs = r.config().virtualServers().get(0);
    assertEquals(Persistence.of(Duration.ofSeconds(9600)), vs.service().persistence().orElseThrow());
    assertEquals(Duration.ofSeconds(10), vs.delayLoop());
    assertEquals(3, vs.realServers().size());
    for (RealServerConfig rs : vs.realServers()) {
      assertEquals(ForwardingMethod.DIRECT_ROUTE, rs.realServer().forwarding());
      assertEquals(1, rs.realServer().weight());
      assertEquals(80, ((HealthCheckConfig.Tcp) rs.checks().get(0)).target().port());
    }
  }

  @Test
  void drActive_asPublished_stillReadsTheServiceLikeKeepalived() {
    // keepalived recovers by reading the lines after the keyword as its block; so do we, so the model is there
    ParseResult r = KeepalivedConfigParser.parse(resource("rhel7-3.2-dr-active.conf"));
    assertEquals(1, r.config().virtualServers().size());
    assertEquals(3, r.config().virtualServers().get(0).realServers().size());
  }
}
