package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How lb-config completes a {@code vrrp_instance} where keepalived 2.2.7 completes it (vrrp.c
 * vrrp_complete_instance): the VRRP version from the addresses and {@code vrrp_version}, instances without virtual
 * addresses, VRRPv2 with IPv6 addresses, and advertisement intervals VRRP cannot carry. Whatever lb-config accepts
 * here, lb-director can build (KeepalivedVrrpCompletionTest); whatever lbkit cannot run is an error naming its line.
 */
final class VrrpInstanceCompletionTest {
  private static ParseResult parse(String text) {
    return KeepalivedConfigParser.parse("k.conf", text, Path.of("."));
  }

  private static List<String> errors(ParseResult r) {
    return r.errors().stream().map(ConfigProblem::toString).toList();
  }

  private static List<String> warnings(ParseResult r) {
    return r.warnings().stream().map(ConfigProblem::toString).toList();
  }

  private static String instance(String body) {
    return "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n" + body + "}\n";
  }

  @Test
  void emptyVirtualIpaddress_isAnErrorOnItsLine_v2AsV3() {
    ParseResult v2 = parse(instance("  virtual_ipaddress {\n  }\n"));
    assertEquals(List.of("k.conf:4:3: vrrp_instance VI_1: virtual_ipaddress has no address; keepalived runs such a"
        + " VRRPv2 instance with a warning, but lbkit's VRRP requires at least one virtual address"), errors(v2));
    ParseResult v3 = parse(instance("  version 3\n  virtual_ipaddress {\n  }\n"));
    assertEquals(List.of("k.conf:5:3: vrrp_instance VI_1: virtual_ipaddress has no address; VRRPv3 requires at least"
        + " one, and keepalived refuses to start without"), errors(v3));
  }

  @Test
  void missingVirtualIpaddress_isAnErrorOnTheInstance_alsoInStrictMode() {
    ParseResult strict = parse("global_defs {\n  vrrp_strict\n}\n" + instance("  priority 100\n"));
    assertEquals(List.of("k.conf:4:1: vrrp_instance VI_1: virtual_ipaddress has no address; VRRP in strict mode"
        + " requires at least one, and keepalived refuses to start without"), errors(strict));
    assertTrue(strict.config().vrrpInstances().isEmpty(), "an instance lbkit cannot run is not in the model");
  }

  @Test
  void version2WithIpv6_isAnError_onTheVersionLine_orOnVrrpVersion() {
    ParseResult own = parse(instance("  version 2\n  virtual_ipaddress {\n    2001:db8::1/64\n  }\n"));
    assertEquals(List.of("k.conf:4:3: vrrp_instance VI_1: version 2 with IPv6 virtual address 2001:db8:0:0:0:0:0:1 is"
        + " keepalived's non-standard VRRPv2 over IPv6, which lbkit does not implement; use version 3"), errors(own));
    ParseResult global = parse("global_defs {\n  vrrp_version 2\n}\n"
        + instance("  virtual_ipaddress {\n    fe80::1\n  }\n"));
    assertTrue(global.ok(), "IPv6 addresses without a version are VRRPv3, whatever vrrp_version says: "
        + errors(global));
    assertEquals(3, global.config().vrrpInstances().get(0).version());
  }

  @Test
  void version2WithIpv6_inStrictMode_becomesVersion3_withAWarning() {
    ParseResult r = parse("global_defs {\n  vrrp_strict\n}\n"
        + instance("  version 2\n  virtual_ipaddress {\n    fe80::1\n  }\n"));
    assertEquals(List.of(), errors(r));
    assertEquals(List.of("k.conf:7:3: warning: vrrp_instance VI_1: VRRP version 2 cannot carry IPv6 virtual addresses"
        + " (fe80:0:0:0:0:0:0:1); version 3 is used in strict mode, as keepalived does"), warnings(r));
    assertEquals(3, r.config().vrrpInstances().get(0).version());
  }

  @Test
  void versionDefault_isVrrpVersionForIpv4_and3ForIpv6() {
    String v4 = instance("  virtual_ipaddress {\n    10.0.0.1\n  }\n");
    assertEquals(2, parse(v4).config().vrrpInstances().get(0).version());
    ParseResult global3 = parse("global_defs {\n  vrrp_version 3\n}\n" + v4);
    assertEquals(List.of(), warnings(global3), "vrrp_version is read, not ignored");
    assertEquals(3, global3.config().vrrpInstances().get(0).version());
    assertEquals(3, parse(instance("  virtual_ipaddress {\n    fe80::1\n  }\n")).config().vrrpInstances().get(0)
        .version());
    assertEquals(List.of("k.conf:2:16: vrrp_version must be in [2, 3] but was 4"),
        errors(parse("global_defs {\n  vrrp_version 4\n}\n" + v4)));
  }

  private static ParseResult advert(int version, String interval) {
    return parse(instance("  version " + version + "\n  advert_int " + interval
        + "\n  virtual_ipaddress {\n    10.0.0.1\n  }\n"));
  }

  @Test
  void advertInt_withAFraction_isRoundedToWholeSecondsInV2_withAWarning_asKeepalived() {
    ParseResult r = advert(2, "1.5");
    assertEquals(List.of(), errors(r));
    assertEquals(Duration.ofSeconds(2), r.config().vrrpInstances().get(0).advertInterval());
    assertEquals(List.of("k.conf:5:3: warning: vrrp_instance VI_1: advert_int 1.5 is not whole seconds, as VRRPv2"
        + " needs; 2 s is used, as keepalived does"), warnings(r));
    // keepalived adds half a second and cuts, with 1 s at least
    assertEquals(Duration.ofSeconds(1), advert(2, "0.4").config().vrrpInstances().get(0).advertInterval());
    assertEquals(Duration.ofSeconds(1), advert(2, "1.49").config().vrrpInstances().get(0).advertInterval());
    assertEquals(Duration.ofSeconds(3), advert(2, "2.5").config().vrrpInstances().get(0).advertInterval());
    assertEquals(List.of(), warnings(advert(2, "3")));
  }

  @Test
  void advertInt_inV3_isRoundedToCentiseconds_andCappedAt4095_withAWarning() {
    ParseResult r = advert(3, "0.015");
    assertEquals(Duration.ofMillis(20), r.config().vrrpInstances().get(0).advertInterval());
    assertEquals(List.of("k.conf:5:3: warning: vrrp_instance VI_1: advert_int 0.015 is not in VRRPv3's units of 10 ms"
        + " up to 40.95 s; 0.02 s is used, as keepalived does"), warnings(r));
    assertEquals(Duration.ofMillis(40_950), advert(3, "100").config().vrrpInstances().get(0).advertInterval());
    assertEquals(List.of(), warnings(advert(3, "0.25")));
    assertEquals(Duration.ofMillis(250), advert(3, "0.25").config().vrrpInstances().get(0).advertInterval());
  }
}
