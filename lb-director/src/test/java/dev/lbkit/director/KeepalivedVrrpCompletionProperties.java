package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.config.ParseResult;
import dev.lbkit.vrrp.VrrpConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The gap a fuzzer found between lb-config and lb-director: a {@code vrrp_instance} lb-config accepted that
 * lb-director refused only when building it (no virtual address, VRRPv2 with IPv6, an advert_int VRRPv2 cannot
 * carry). Over instances combining version (unset, 2, 3, global {@code vrrp_version}), strict mode, address family,
 * address count and advert_int: either lb-config reports an error, or lb-director builds every instance.
 */
final class KeepalivedVrrpCompletionProperties {

  @Property(tries = 300)
  void whatLbConfigAccepts_lbDirectorBuilds(@ForAll("instances") String text) {
    ParseResult r = KeepalivedConfigParser.parse("k.conf", text, Path.of("."));
    if (!r.ok()) {
      return; // refused with file and line, before lb-director
    }
    List<VrrpConfig> built = KeepalivedVrrp.vrrpConfigs(r.config(), ifname -> ifname);
    assertEquals(r.config().vrrpInstances().size(), built.size(), text);
  }

  @Provide
  Arbitrary<String> instances() {
    Arbitrary<String> global = Arbitraries.of("", "  vrrp_version 2\n", "  vrrp_version 3\n", "  vrrp_strict\n",
        "  vrrp_strict\n  vrrp_version 2\n");
    Arbitrary<String> version = Arbitraries.of("", "  version 2\n", "  version 3\n");
    Arbitrary<String> advert = Arbitraries.of("", "1", "1.5", "0.4", "2.5", "0.01", "0.015", "254.6", "255", "40.96",
        "100", "0.25").map(a -> a.isEmpty() ? "" : "  advert_int " + a + "\n");
    Arbitrary<String> vips = Arbitraries.of("", "  virtual_ipaddress {\n  }\n",
        "  virtual_ipaddress {\n    10.0.0.1/24\n  }\n", "  virtual_ipaddress {\n    fe80::1\n    2001:db8::1/64\n  }\n",
        "  virtual_ipaddress {\n    2001:db8::1/64\n  }\n");
    return Combinators.combine(global, version, advert, vips).as((g, v, a, ip) ->
        (g.isEmpty() ? "" : "global_defs {\n" + g + "}\n")
            + "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n" + v + a + ip + "}\n");
  }

  @Example
  void advertInt1point5_isBuiltAsTwoSecondsOfVrrpV2() {
    ParseResult r = KeepalivedConfigParser.parse("k.conf",
        "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  version 2\n  advert_int 1.5\n"
            + "  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n", Path.of("."));
    assertTrue(r.ok(), r.errors().toString());
    VrrpConfig c = KeepalivedVrrp.vrrpConfigs(r.config(), ifname -> ifname).get(0);
    assertEquals(Duration.ofSeconds(2), c.advertInterval());
    assertEquals(2, c.version());
  }

  @Example
  void ipv6WithoutVersion_isBuiltAsVrrpV3() {
    ParseResult r = KeepalivedConfigParser.parse("k.conf", "global_defs {\n  vrrp_version 2\n}\n"
        + "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n"
        + "  virtual_ipaddress {\n    fe80::1\n  }\n}\n", Path.of("."));
    assertTrue(r.ok(), r.errors().toString());
    assertEquals(3, KeepalivedVrrp.vrrpConfigs(r.config(), ifname -> ifname).get(0).version());
  }
}
