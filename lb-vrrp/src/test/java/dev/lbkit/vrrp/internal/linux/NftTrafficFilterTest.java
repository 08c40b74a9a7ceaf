package dev.lbkit.vrrp.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.spi.TrafficFilterException;
import dev.lbkit.vrrp.spi.TrafficFilterException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The nftables filter's errors, without touching any firewall: a missing program, and nft's own messages as an
 * operator would get them. The rules themselves are tested on the real kernel in AcceptModeIT.
 */
final class NftTrafficFilterTest {
  private static final List<VirtualAddress> VIP = List.of(VirtualAddress.parse("10.0.0.100/24"));

  @Test
  void missingProgram_isUnavailableAndNamesThePackage() {
    NftTrafficFilter f = new NftTrafficFilter("/nonexistent/nft", "lbkit_vrrp");
    TrafficFilterException e = assertThrows(TrafficFilterException.class, () -> f.block("eth0", VIP));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().startsWith("block traffic to 10.0.0.100 on eth0 (creating nftables table inet "
        + "lbkit_vrrp): cannot run '/nonexistent/nft'"), e.getMessage());
    assertTrue(e.getMessage().endsWith("install the Debian package nftables"), e.getMessage());
  }

  @Test
  void programThatFails_isFailedWithItsOutput() {
    // /bin/false stands in for an nft that refuses: exit 1, no output
    NftTrafficFilter f = new NftTrafficFilter("/bin/false", "lbkit_vrrp");
    TrafficFilterException e = assertThrows(TrafficFilterException.class, () -> f.unblock("eth0", VIP));
    assertEquals(Kind.FAILED, e.kind());
    assertTrue(e.getMessage().endsWith(": nft exited 1: no output"), e.getMessage());
  }

  @Test
  void notPermitted_isPermissionAndNamesTheCapability() {
    TrafficFilterException e = NftTrafficFilter.classify("block traffic to 10.0.0.100 on eth0", 1,
        "Operation not permitted (you must be root)\nnetlink: Error: cache initialization failed: Operation not "
            + "permitted");
    assertEquals(Kind.PERMISSION, e.kind());
    assertEquals("block traffic to 10.0.0.100 on eth0: nft: operation not permitted; changing nftables needs "
        + "CAP_NET_ADMIN (run as root or grant the capability)", e.getMessage());
  }

  @Test
  void kernelWithoutNfTables_isUnavailable() {
    TrafficFilterException e = NftTrafficFilter.classify("op", 1, "Error: Could not process rule: Operation not "
        + "supported");
    assertEquals(Kind.UNAVAILABLE, e.kind());
  }

  @Test
  void badTableName_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NftTrafficFilter("nft", "bad name;"));
    assertTrue(e.getMessage().contains("'bad name;'"), e.getMessage());
  }

  @Test
  void closeBeforeUse_runsNothing() throws Exception {
    new NftTrafficFilter("/nonexistent/nft", "lbkit_vrrp").close();
  }
}
