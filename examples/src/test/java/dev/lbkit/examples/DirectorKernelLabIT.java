package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The director end to end on a real kernel: boots the kernel lab (lab/kernel/run: Debian's kernel with IPVS under
 * qemu) and runs src/test/lab/director-nat-e2e.sh in it: `bin/lbkit run` in a network namespace programs kernel
 * IPVS (NAT) from a keepalived.conf, a client namespace sends requests to the VIP, real HTTP servers in their own
 * namespaces answer; one is stopped and must leave the table while traffic goes on. The script records how long
 * the client saw failures. Needs root and the packaged CLI (the failsafe phase runs after package); a missing
 * capability fails the test.
 */
final class DirectorKernelLabIT {
  @Test
  void natDirector_balances_dropsAFailedServer_andTrafficContinues() throws Exception {
    Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path root = module.getParent();
    Path lab = root.resolve("lab/kernel/run");
    Path script = module.resolve("src/test/lab/director-nat-e2e.sh");
    assertTrue(Files.isExecutable(lab), lab + " is missing");
    assertTrue(Files.isRegularFile(module.resolve("target/lbkit.jar")), "package the CLI first (mvn verify does)");
    Path out = module.resolve("target/e2e");
    Files.createDirectories(out);
    Path log = out.resolve("lab.log");
    Process p = new ProcessBuilder(lab.toString(), "--timeout", "1500", "--", "bash", script.toString(),
        root.toString(), out.toString())
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(1600, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Path resultFile = out.resolve("e2e-result.txt");
    String result = Files.exists(resultFile) ? Files.readString(resultFile, StandardCharsets.UTF_8) : "(no result)";
    System.out.println(result);
    assertTrue(done, "the lab did not finish in time; see " + log);
    assertEquals(0, p.exitValue(), "end-to-end run failed (exit " + p.exitValue() + "):\n" + result + "\n" + output);
    assertTrue(result.contains(" 0 failed"), result);
  }
}
