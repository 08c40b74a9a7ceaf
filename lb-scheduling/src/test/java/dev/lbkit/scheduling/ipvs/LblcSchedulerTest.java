package dev.lbkit.scheduling.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.Schedulers;
import dev.lbkit.scheduling.internal.KernelHash;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class LblcSchedulerTest {
  static Flow to(String daddr) {
    return new Flow(Protocol.TCP, Endpoint.parseAddress("2001:db8:ffff::7"), 1000, Endpoint.parseAddress(daddr),
        80, 0);
  }

  @Test
  void ipv6AddressesWithTheSameFoldKeepSeparateEntries() {
    assertEquals(KernelHash.foldAddress(Endpoint.parseAddress("2001:db8::1")),
        KernelHash.foldAddress(Endpoint.parseAddress("2001:db9::")));
    IpvsService svc = IpvsService.create(Schedulers.create("lblc"));
    svc.addDestination(Endpoint.parse("[2001:db8:1::1]:80"), 1);
    svc.addDestination(Endpoint.parse("[2001:db8:1::2]:80"), 1);
    IpvsDestination first = svc.connect(to("2001:db8::1")).orElseThrow().destination();
    IpvsDestination second = svc.connect(to("2001:db9::")).orElseThrow().destination();
    assertNotEquals(first, second, "a different address is a different entry, so wlc spreads them");
    assertEquals(2, ((LblcScheduler) svc.scheduler()).entries());
    assertSame(first, svc.connect(to("2001:db8::1")).orElseThrow().destination(), "the entry sticks");
  }

  @Test
  void expirationOptionDeletesEntriesAtTheThirtyMinuteFullCheck() {
    IpvsService svc = IpvsService.create(Schedulers.create("lblc", Set.of(),
        Map.of(Schedulers.LBLC_EXPIRATION, "120")));
    svc.addDestination(Endpoint.parse("10.0.0.1:80"), 1);
    svc.connect(new Flow(Protocol.TCP, Endpoint.parseAddress("198.51.100.1"), 1, Endpoint.parseAddress("203.0.113.1"),
        80, 0)).orElseThrow();
    LblcScheduler lblc = (LblcScheduler) svc.scheduler();
    svc.advanceTime(Duration.ofMinutes(29));
    assertEquals(1, lblc.entries(), "only the 30th timer run (t = 30 min) does a full check");
    svc.advanceTime(Duration.ofMinutes(1));
    assertEquals(0, lblc.entries());
  }
}
