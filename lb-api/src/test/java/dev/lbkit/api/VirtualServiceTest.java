package dev.lbkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class VirtualServiceTest {
  private static final ServiceKey TCP80 = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:80"));

  @Test
  void builder_usesWlcByDefault() {
    VirtualService s = VirtualService.builder(TCP80).build();
    assertEquals("wlc", s.scheduler());
    assertTrue(s.persistence().isEmpty());
    assertEquals(s, s.toBuilder().build());
  }

  @Test
  void portZero_needsPersistence() {
    ServiceKey allPorts = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.1:0"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VirtualService.builder(allPorts).build());
    assertEquals("port 0 is only allowed for a persistent service, but TCP 192.0.2.1:0 has no persistence",
        e.getMessage());
    VirtualService ok = VirtualService.builder(allPorts).persistence(Persistence.of(Duration.ofSeconds(60))).build();
    assertEquals(allPorts, ok.key());
  }

  @Test
  void schedulerFlags_mustApplyToTheScheduler() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VirtualService.builder(TCP80).scheduler("rr").schedulerFlag(SchedulerFlag.SH_PORT).build());
    assertEquals("scheduler flag sh-port applies only to scheduler sh, not rr (service TCP 192.0.2.1:80)",
        e.getMessage());
    VirtualService sh = VirtualService.builder(TCP80).scheduler("sh").schedulerFlag(SchedulerFlag.SH_PORT)
        .schedulerFlag(SchedulerFlag.SH_FALLBACK).build();
    assertEquals(Set.of(SchedulerFlag.SH_PORT, SchedulerFlag.SH_FALLBACK), sh.schedulerFlags());
    assertEquals(Set.of(), sh.withScheduler("rr").schedulerFlags());
    assertEquals(SchedulerFlag.MH_FALLBACK, SchedulerFlag.parse("MH-Fallback"));
    assertThrows(IllegalArgumentException.class, () -> SchedulerFlag.parse("sh-everything"));
  }

  @Test
  void schedulerName_isValidated() {
    assertThrows(IllegalArgumentException.class, () -> VirtualService.builder(TCP80).scheduler("").build());
    assertThrows(IllegalArgumentException.class,
        () -> VirtualService.builder(TCP80).scheduler("a-very-long-scheduler").build());
    assertEquals("wrr", VirtualService.builder(TCP80).scheduler("WRR").build().scheduler());
  }

  @Test
  void onePacket_isForUdpOnly() {
    assertThrows(IllegalArgumentException.class, () -> VirtualService.builder(TCP80).onePacket(true).build());
    ServiceKey dns = ServiceKey.of(Protocol.UDP, Endpoint.parse("192.0.2.1:53"));
    assertTrue(VirtualService.builder(dns).onePacket(true).build().onePacket());
  }

  @Test
  void persistenceEngine_needsPersistence() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VirtualService.builder(TCP80).persistenceEngine("sip").build());
    assertEquals("persistence engine sip needs a persistent service, but TCP 192.0.2.1:80 has no persistence",
        e.getMessage());
  }

  @Test
  void persistencePrefix_mustFitTheFamily() {
    assertThrows(IllegalArgumentException.class, () -> VirtualService.builder(TCP80)
        .persistence(Persistence.of(Duration.ofSeconds(60), 64)).build());
    ServiceKey v6 = ServiceKey.of(Protocol.TCP, Endpoint.parse("[2001:db8::1]:80"));
    assertEquals(64, VirtualService.builder(v6).persistence(Persistence.of(Duration.ofSeconds(60), 64)).build()
        .persistence().orElseThrow().effectivePrefixLength(AddressFamily.IPV6));
  }

  @Test
  void firewallMark_isPositive32Bits() {
    assertThrows(IllegalArgumentException.class, () -> ServiceKey.firewallMark(0));
    assertThrows(IllegalArgumentException.class, () -> ServiceKey.firewallMark(1L << 32));
    assertEquals("FWM 4294967295", ServiceKey.firewallMark(0xFFFF_FFFFL).toString());
  }
}
