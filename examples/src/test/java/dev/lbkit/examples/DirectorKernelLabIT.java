package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The director end to end on a real kernel: boots the kernel lab once (lab/kernel/run: Debian's kernel with IPVS
 * under qemu) and runs two scripts of src/test/lab in it, each in network namespaces of its own.
 * director-nat-e2e.sh: `bin/lbkit run` programs kernel IPVS (a NAT and a direct-routing service) from a
 * keepalived.conf, a client sends requests to the VIPs, real HTTP servers answer; one is stopped and must leave the
 * table while traffic goes on.
 * director-vrrp-e2e.sh: two directors with real VRRP (the RHEL sync group of an external VIP and the servers'
 * gateway) on bridged segments; the master is reloaded live with SIGHUP (nothing may move), then killed, and the
 * backup must take both VIPs while the client goes on; then the same file with auth_type AH (keepalived's IPsec-AH
 * mode) runs in `bin/lbkit run` against a real keepalived, which elect the same Master either way round and take
 * over from each other's crash. The scripts record the outage the client saw. Needs root and the packaged CLI (the failsafe phase runs after
 * package); a missing capability fails the test.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other kernel-lab IT, each VM on a core of its own (pom.xml)
final class DirectorKernelLabIT {
  @Test
  void natDirector_dropsAFailedServer_andTheBackupTakesOverFromADeadMaster() throws Exception {
    Path module = KernelLab.module();
    Path root = KernelLab.root();
    Path scripts = module.resolve("src/test/lab");
    assertTrue(Files.isRegularFile(module.resolve("target/lbkit.jar")), "package the CLI first (mvn verify does)");
    Path out = module.resolve("target/e2e");
    Files.createDirectories(out);
    Path log = out.resolve("lab.log");
    String both = "bash '" + scripts.resolve("director-nat-e2e.sh") + "' '" + root + "' '" + out.resolve("nat")
        + "'; nat=$?; bash '" + scripts.resolve("director-vrrp-e2e.sh") + "' '" + root + "' '" + out.resolve("vrrp")
        + "'; vrrp=$?; exit $((nat | vrrp))";
    KernelLab.Run run = KernelLab.run(log, 1500, "bash", "-c", both);
    String output = run.output();
    StringBuilder results = new StringBuilder();
    for (String name : new String[] {"nat", "vrrp"}) {
      Path file = out.resolve(name).resolve("e2e-result.txt");
      results.append("== ").append(name).append('\n')
          .append(Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no result)\n");
    }
    String result = results.toString();
    System.out.println(result);
    for (String name : new String[] {"nat", "vrrp"}) { // where the time went: seconds since each script started
      Path file = out.resolve(name).resolve("timing.txt");
      if (Files.exists(file)) {
        System.out.println("== " + name + " timing\n" + Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    assertTrue(run.done(), "the lab did not finish in time; see " + log);
    assertEquals(0, run.exitValue(),
        "end-to-end run failed (exit " + run.exitValue() + "):\n" + result + "\n" + output);
    assertEquals(2, result.lines().filter(l -> l.matches("\\d+ passed, 0 failed")).count(), result);
  }
}
