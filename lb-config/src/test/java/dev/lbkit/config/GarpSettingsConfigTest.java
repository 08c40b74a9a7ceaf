package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.config.VrrpInstanceConfig.Garp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * keepalived's gratuitous ARP keywords, read and completed as keepalived 2.2.7 does (vrrp_parser.c, global_parser.c,
 * vrrp.c vrrp_complete_instance): the instance's value, else global_defs' vrrp_ one, else the default; the
 * lower-priority burst defaulting to the global takeover settings; strict mode's resets. No longer "ignored".
 */
final class GarpSettingsConfigTest {
  private static ParseResult parse(String global, String instanceBody) {
    return KeepalivedConfigParser.parse("k.conf", "global_defs {\n" + global + "}\n"
        + "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n" + instanceBody
        + "  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n", Path.of("."));
  }

  private static Garp garp(ParseResult r) {
    assertEquals(List.of(), r.errors().stream().map(ConfigProblem::toString).toList());
    return r.config().vrrpInstances().get(0).garp();
  }

  private static List<String> warnings(ParseResult r) {
    return r.warnings().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void nothingWritten_isKeepalivedsDefaults() {
    ParseResult r = parse("", "");
    assertEquals(Garp.DEFAULTS, garp(r));
    assertEquals(new Garp(5, Duration.ofSeconds(5), Duration.ZERO, 1, 5, Duration.ofSeconds(5), Duration.ZERO,
        Duration.ZERO, false), Garp.DEFAULTS);
  }

  @Test
  void instanceKeywords_areReadWithoutWarnings() {
    ParseResult r = parse("", """
          garp_master_delay 2
          garp_master_repeat 3
          garp_master_refresh 60
          garp_master_refresh_repeat 2
          garp_lower_prio_delay 1
          garp_lower_prio_repeat 0
          lower_prio_no_advert
        """);
    assertEquals(new Garp(3, Duration.ofSeconds(2), Duration.ofSeconds(60), 2, 0, Duration.ofSeconds(1),
        Duration.ZERO, Duration.ZERO, true), garp(r));
    assertEquals(List.of(), warnings(r));
  }

  @Test
  void globalDefaults_applyWhereTheInstanceWritesNone_andTheLowerPriorityBurstFollowsTheGlobalTakeoverOne() {
    ParseResult r = parse("""
          vrrp_garp_master_delay 10
          vrrp_garp_master_repeat 2
          vrrp_garp_master_refresh 30
          vrrp_garp_master_refresh_repeat 3
          vrrp_garp_interval 0.001
          vrrp_gna_interval 0.000250
          vrrp_lower_prio_no_advert true
        """, "  garp_master_repeat 4\n  garp_master_delay 1\n");
    // keepalived: garp_lower_prio_* default to the global vrrp_garp_master_*, not to the instance's own
    assertEquals(new Garp(4, Duration.ofSeconds(1), Duration.ofSeconds(30), 3, 2, Duration.ofSeconds(10),
        Duration.ofMillis(1), Duration.ofNanos(250_000), true), garp(r));
    assertEquals(List.of(), warnings(r));
    ParseResult lower = parse("  vrrp_garp_lower_prio_repeat 1\n  vrrp_garp_lower_prio_delay 0\n",
        "  lower_prio_no_advert off\n");
    Garp g = garp(lower);
    assertEquals(1, g.lowerPrioRepeat());
    assertEquals(Duration.ZERO, g.lowerPrioDelay());
    assertEquals(false, g.lowerPrioNoAdvert());
  }

  @Test
  void aRepeatOfZero_isOne_withKeepalivedsWarning() {
    ParseResult r = parse("", "  garp_master_repeat 0\n  garp_master_refresh_repeat 0\n");
    assertEquals(1, garp(r).masterRepeat());
    assertEquals(1, garp(r).masterRefreshRepeat());
    assertEquals(List.of("k.conf:6:3: warning: garp_master_repeat must be greater than 0; 1 is used, as keepalived"
        + " does", "k.conf:7:3: warning: garp_master_refresh_repeat must be greater than 0; 1 is used, as keepalived"
        + " does"), warnings(r));
  }

  @Test
  void badValues_areErrorsOnTheirLine() {
    ParseResult r = parse("  vrrp_garp_interval 0.0000001\n", "  garp_master_delay 1.5\n  garp_lower_prio_repeat 101\n");
    assertEquals(List.of("k.conf:2:22: vrrp_garp_interval must be in [0.000001, 86400] seconds but was 0.0000001",
        "k.conf:7:21: garp_master_delay must be a whole number but was '1.5'",
        "k.conf:8:26: garp_lower_prio_repeat must be in [0, 100] but was 101"),
        r.errors().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void strictMode_noLowerPriorityBursts_andLowerPrioNoAdvert_withWarningsForWhatItOverrides() {
    ParseResult quiet = parse("  vrrp_strict\n  vrrp_garp_lower_prio_repeat 3\n", "");
    Garp g = garp(quiet);
    assertEquals(0, g.lowerPrioRepeat());
    assertEquals(Duration.ZERO, g.lowerPrioDelay());
    assertEquals(true, g.lowerPrioNoAdvert());
    assertEquals(5, g.masterRepeat(), "the takeover bursts stay");
    ParseResult loud = parse("  vrrp_strict\n", "  garp_lower_prio_repeat 2\n  lower_prio_no_advert false\n");
    garp(loud);
    assertEquals(List.of("k.conf:4:1: warning: vrrp_instance VI_1: strict mode requires lower_prio_no_advert; it is"
        + " on, as keepalived sets it", "k.conf:7:3: warning: vrrp_instance VI_1: strict mode allows no repeated"
        + " gratuitous ARPs; garp_lower_prio_repeat and garp_lower_prio_delay are 0, as keepalived resets them"),
        warnings(loud).stream().filter(w -> w.contains("strict mode allows no") || w.contains("lower_prio_no"))
            .toList());
  }
}
