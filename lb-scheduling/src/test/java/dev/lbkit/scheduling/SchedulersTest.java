package dev.lbkit.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.SchedulerFlag;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class SchedulersTest {

  @Test
  void create_knowsEveryIpvsScheduler() {
    for (String n : List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc",
        "lblcr")) {
      SchedulerSpec spec = Schedulers.create(n);
      assertEquals(n, spec.name());
      assertEquals(SchedulerFamily.IPVS, spec.family());
      assertEquals(n, IpvsService.create(spec).scheduler().name());
    }
  }

  @Test
  void create_isCaseInsensitive() {
    assertEquals("wlc", Schedulers.create("WLC").name());
  }

  @Test
  void create_rejectsUnknownName() {
    SchedulerConfigException e = assertThrows(SchedulerConfigException.class, () -> Schedulers.create("wlcx"));
    assertEquals("wlcx", e.scheduler());
    assertTrue(e.getMessage().contains("but was 'wlcx'"), e.getMessage());
  }

  @Test
  void create_rejectsFlagOfAnotherScheduler() {
    SchedulerConfigException e = assertThrows(SchedulerConfigException.class,
        () -> Schedulers.create("mh", SchedulerFlag.SH_PORT));
    assertTrue(e.getMessage().contains("sh-port does not apply to scheduler mh"), e.getMessage());
  }

  @Test
  void create_acceptsGenericFlagsAndOwnFlags() {
    SchedulerSpec spec = Schedulers.create("sh", SchedulerFlag.SH_PORT, SchedulerFlag.SH_FALLBACK);
    assertEquals(0x18, spec.flagBits());
    assertEquals(0x08, Schedulers.create("rr", SchedulerFlag.FLAG_1).flagBits());
  }

  @Test
  void create_rejectsOptionThatDoesNotApply() {
    assertThrows(SchedulerConfigException.class,
        () -> Schedulers.create("wlc", Set.of(), Map.of(Schedulers.LBLC_EXPIRATION, "300")));
    assertThrows(SchedulerConfigException.class,
        () -> Schedulers.create("lblc", Set.of(), Map.of(Schedulers.LBLCR_EXPIRATION, "300")));
  }

  @Test
  void create_rejectsBadOptionValues() {
    for (String bad : List.of("-1", "0", "abc", "1.5", "")) {
      SchedulerConfigException e = assertThrows(SchedulerConfigException.class,
          () -> Schedulers.create("lblc", Set.of(), Map.of(Schedulers.LBLC_EXPIRATION, bad)), bad);
      assertTrue(e.getMessage().contains(Schedulers.LBLC_EXPIRATION), e.getMessage());
    }
    assertEquals("120", Schedulers.create("lblcr", Set.of(), Map.of(Schedulers.LBLCR_EXPIRATION, "120"))
        .option(Schedulers.LBLCR_EXPIRATION).orElseThrow());
  }

  @Test
  void parse_readsFlagsAndOptions() {
    SchedulerSpec spec = Schedulers.parse("mh", List.of("mh-port", "mh-fallback"));
    assertEquals(Set.of(SchedulerFlag.MH_PORT, SchedulerFlag.MH_FALLBACK), spec.flags());
    assertThrows(SchedulerConfigException.class, () -> Schedulers.parse("mh", List.of("nonsense")));
    assertEquals("300", Schedulers.parse("lblc", List.of("lblc-expiration=300")).options()
        .get(Schedulers.LBLC_EXPIRATION));
  }
}
