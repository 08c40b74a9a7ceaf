package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Boots the kernel lab once (lab/kernel/run: Debian's kernel with IPVS under qemu) and runs the kernel tests inside
 * it, in a network namespace of their own, with the classes Maven built on the host. Fails when the lab cannot run
 * (not root, no qemu): a missing capability is a failure, not a skip.
 */
final class KernelLabIT {
  /** The test classes that need a kernel with IPVS. */
  static final List<String> LAB_TESTS = List.of(
      "dev.lbkit.ipvs.NetlinkIpvsClientIT",
      "dev.lbkit.ipvs.IpvsadmInteropIT",
      "dev.lbkit.ipvs.NetlinkIpvsScaleIT",
      "dev.lbkit.ipvs.IpvsTrafficIT",
      // last: it unloads the IPVS modules (and loads them again)
      "dev.lbkit.ipvs.IpvsModuleAbsentIT");

  @Test
  void kernelTestsPassInTheLab() throws Exception {
    Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path root = module.getParent();
    Path lab = root.resolve("lab/kernel/run");
    assertTrue(Files.isExecutable(lab), lab + " is missing");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> inner = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Duser.language=tr", "-Duser.country=TR", "-cp", classpath, KernelLabRunner.class.getName()));
    inner.addAll(LAB_TESTS);
    StringBuilder script = new StringBuilder("ip netns add lbkit-lab && ip -n lbkit-lab link set lo up && exec ip netns"
        + " exec lbkit-lab");
    for (String s : inner) {
      script.append(" '").append(s.replace("'", "'\\''")).append('\'');
    }
    Path log = module.resolve("target/kernel-lab.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(lab.toString(), "--timeout", "900", "--", "sh", "-c", script.toString())
        // the lab shares only its working directory read-write and hides the host's /tmp behind a fresh tmpfs, so
        // it runs from the checkout's root: then every module's classes are visible even in a clone under /tmp
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    boolean done = p.waitFor(1000, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    assertTrue(done, "the lab did not finish in time; see " + log);
    assertEquals(0, p.exitValue(), "kernel tests failed in the lab (exit " + p.exitValue() + "):\n" + tail(output));
    assertTrue(output.contains(" 0 failed"), output);
  }

  private static String tail(String s) {
    return s.length() > 20_000 ? s.substring(s.length() - 20_000) : s;
  }

}
