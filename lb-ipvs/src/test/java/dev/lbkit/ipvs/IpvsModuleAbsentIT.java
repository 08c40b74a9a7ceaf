package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel without its IPVS module, in the kernel lab: {@link Ipvs#open()} says to load it, and works again once it
 * is loaded. It unloads the modules every other lab test uses, so {@link KernelLabIT} runs it last; it loads them
 * again before it ends, pass or fail.
 */
final class IpvsModuleAbsentIT {
  private static final String ADVICE = "open IPVS: the kernel has no IPVS generic netlink family; load the ip_vs"
      + " module (modprobe ip_vs) or use a kernel with CONFIG_IP_VS";

  @Test
  void withoutTheIpVsModule_openSaysToLoadIt_andWorksOnceItIsLoaded() throws Exception {
    try (IpvsClient ipvs = Ipvs.open()) {
      ipvs.flush(); // services hold their schedulers' modules
      for (SyncDaemon d : ipvs.syncDaemons()) {
        ipvs.stopSyncDaemon(d.role());
      }
    }
    // the schedulers and engines first (each holds ip_vs), then ip_vs itself
    List<String> loaded = new ArrayList<>();
    for (String line : IpvsadmInteropIT.run(null, "cat", "/proc/modules").split("\n")) {
      String name = line.split(" ")[0];
      if (name.startsWith("ip_vs_")) {
        loaded.add(name);
      }
    }
    assertTrue(loaded.contains("ip_vs_rr"), "the lab loads every scheduler: " + loaded);
    List<String> remove = new ArrayList<>(List.of("modprobe", "-r"));
    remove.addAll(loaded);
    remove.add("ip_vs");
    IpvsadmInteropIT.run(null, remove.toArray(String[]::new));
    try {
      assertFalse(Ipvs.isAvailable());
      IpvsUnavailableException e = assertThrows(IpvsUnavailableException.class, Ipvs::open);
      assertEquals(ADVICE, e.getMessage());
      assertEquals(2, e.errno(), "ENOENT: the controller knows no family of that name");
      Throwable cause = Ipvs.unavailabilityCause().orElseThrow();
      assertTrue(cause instanceof IpvsUnavailableException, cause.toString());
      assertEquals(ADVICE, cause.getMessage());
    } finally {
      List<String> load = new ArrayList<>(Arrays.asList("modprobe", "-a", "ip_vs"));
      load.addAll(loaded);
      IpvsadmInteropIT.run(null, load.toArray(String[]::new));
    }
    assertTrue(Ipvs.isAvailable());
    try (IpvsClient ipvs = Ipvs.open()) {
      assertEquals("1.2.1", ipvs.info().versionString());
      assertEquals(List.of(), ipvs.listServices());
    }
  }
}
