package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real keepalived 2.2.7's {@code keepalived -t} and lb-config on the same {@code vrrp_instance}s that keepalived
 * completes in vrrp.c vrrp_complete_instance: without virtual addresses, VRRPv2 with IPv6 addresses, advert_int
 * that VRRP cannot carry. Each verdict is one of: accepted silently, adjusted with a warning (keepalived's
 * "rounding", "setting version 3", "at least one is sensible"), refused ("at least one is required", after which
 * keepalived's VRRP process exits). The two differ only where the table says why: lbkit's VRRP cannot run an
 * instance without an address, nor keepalived's own VRRPv2 over IPv6, so lb-config refuses those.
 *
 * <p>keepalived checks that the instance's interface exists, so the files name one of this host's non-loopback
 * multicast interfaces; without one, or without keepalived (a package of .ci/install), the test is skipped. Its
 * exit status under {@code -t} is not used (2.2.7 exits 5 for warnings too), only what it reports.
 */
final class KeepalivedVrrpCompletionIT {
  private static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");

  enum Verdict {
    ACCEPTED,
    WARNED,
    REFUSED
  }

  private static String iface;

  @TempDir
  Path dir;

  @BeforeAll
  static void keepalivedAndAnInterface() throws SocketException {
    Assumptions.assumeTrue(Files.isExecutable(KEEPALIVED), "keepalived is not installed (.ci/install installs it)");
    Optional<String> name = NetworkInterface.networkInterfaces().filter(ni -> {
      try {
        return ni.isUp() && !ni.isLoopback() && ni.supportsMulticast() && !ni.isVirtual();
      } catch (SocketException e) {
        return false;
      }
    }).map(NetworkInterface::getName).sorted().findFirst();
    Assumptions.assumeTrue(name.isPresent(), "no non-loopback multicast interface for keepalived to accept");
    iface = name.get();
  }

  private Verdict keepalived(Path file) throws IOException, InterruptedException {
    // in a session of its own: 2.2.7's -t can end by signalling, and it must not reach the test's JVM
    Process p = new ProcessBuilder("setsid", "--wait", KEEPALIVED.toString(), "-t", "-f", file.toString(), "-l", "-D")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keepalived -t did not finish");
    List<String> reports = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("(VI_1)") || line.matches("^\\(.*Line \\d+\\) .*")) {
        reports.add(line.strip());
      }
    }
    if (reports.stream().anyMatch(r -> r.contains("at least one is required"))) {
      return Verdict.REFUSED;
    }
    return reports.isEmpty() ? Verdict.ACCEPTED : Verdict.WARNED;
  }

  private static Verdict lbkit(ParseResult r) {
    return !r.ok() ? Verdict.REFUSED : r.warnings().isEmpty() ? Verdict.ACCEPTED : Verdict.WARNED;
  }

  private void compare(String name, String globals, String body, Verdict theirs, Verdict ours) throws Exception {
    String text = (globals.isEmpty() ? "" : "global_defs {\n" + globals + "}\n") + "vrrp_instance VI_1 {\n  interface "
        + iface + "\n  virtual_router_id 51\n  priority 100\n" + body + "}\n";
    Path file = Files.writeString(dir.resolve(name + ".conf"), text);
    ParseResult r = KeepalivedConfigParser.parse(file);
    String both = name + ":\n" + text + "\nlbkit errors " + r.errors() + " warnings " + r.warnings();
    assertEquals(theirs, keepalived(file), "keepalived -t's verdict\n" + both);
    assertEquals(ours, lbkit(r), "lbkit's verdict\n" + both);
  }

  private static final String V4 = "  virtual_ipaddress {\n    10.0.0.1/24\n  }\n";

  @Test
  void plainInstance_isAcceptedByBoth() throws Exception {
    compare("plain", "", V4, Verdict.ACCEPTED, Verdict.ACCEPTED);
  }

  @Test
  void noVirtualAddress_isRefusedByBoth_inV3AndStrictMode() throws Exception {
    compare("empty-v3", "", "  version 3\n  virtual_ipaddress {\n  }\n", Verdict.REFUSED, Verdict.REFUSED);
    compare("none-strict", "  vrrp_strict\n", "", Verdict.REFUSED, Verdict.REFUSED);
  }

  @Test
  void noVirtualAddress_inPlainV2_keepalivedOnlyWarns_lbkitRefuses() throws Exception {
    // keepalived advertises no address; lbkit's VRRP (codec, packets) needs 1 to 255
    compare("empty-v2", "", "  virtual_ipaddress {\n  }\n", Verdict.WARNED, Verdict.REFUSED);
    compare("none-v2", "", "", Verdict.WARNED, Verdict.REFUSED);
  }

  @Test
  void version2WithIpv6_isVersion3WithAWarningInStrictMode_inBoth() throws Exception {
    compare("v2v6-strict", "  vrrp_strict\n", "  version 2\n  virtual_ipaddress {\n    fe80::1\n  }\n",
        Verdict.WARNED, Verdict.WARNED);
  }

  @Test
  void version2WithIpv6_keepalivedRunsItsOwnVrrpV2OverIpv6_lbkitRefuses() throws Exception {
    compare("v2v6", "", "  version 2\n  virtual_ipaddress {\n    2001:db8::1/64\n  }\n", Verdict.ACCEPTED,
        Verdict.REFUSED);
  }

  @Test
  void globalVrrpVersion2_withIpv6_isVrrpV3_acceptedByBoth() throws Exception {
    compare("gv2v6", "  vrrp_version 2\n", "  virtual_ipaddress {\n    2001:db8::1/64\n  }\n", Verdict.ACCEPTED,
        Verdict.ACCEPTED);
  }

  @Test
  void advertIntWithAFraction_isRoundedWithAWarning_byBoth() throws Exception {
    compare("adv-v2", "", "  version 2\n  advert_int 1.5\n" + V4, Verdict.WARNED, Verdict.WARNED);
    compare("adv-global-v2", "  vrrp_version 2\n", "  advert_int 0.4\n" + V4, Verdict.WARNED, Verdict.WARNED);
    compare("adv-v3", "", "  version 3\n  advert_int 0.015\n" + V4, Verdict.WARNED, Verdict.WARNED);
    compare("adv-v3-whole", "", "  version 3\n  advert_int 0.25\n" + V4, Verdict.ACCEPTED, Verdict.ACCEPTED);
  }
}
