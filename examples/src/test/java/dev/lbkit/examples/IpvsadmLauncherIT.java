package dev.lbkit.examples;

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
 * {@code bin/lbkit ipvsadm} starts {@link IpvsadmMain} on a class path of lb-ipvs's jars and a runtime of three JDK
 * modules (examples/src/main/cds/make-archive sets it up in target/ipvsadm): it must behave as {@code lbkit ipvsadm}
 * through {@link Main} on every module's jars and the full JDK, which is how bin/lbkit started it before. Each case
 * runs both processes and compares exit status, stdout and stderr. In-memory tables only: no root needed.
 */
final class IpvsadmLauncherIT {
  private static final long PROCESS_SECONDS = 60; // a JVM start on a loaded 2-core machine

  private record Result(int exit, String out, String err) {}

  private static Result run(List<String> command, String stdin) throws Exception {
    Path err = Files.createTempFile("lbkit-ipvsadm-launcher", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
    } finally {
      Files.delete(err);
    }
  }

  /** The same ipvsadm arguments through bin/lbkit and through Main on the full class path. */
  private static void assertSame(String stdin, String... args) throws Exception {
    Path target = KernelLab.module().resolve("target");
    List<String> script = new ArrayList<>(List.of(KernelLab.root().resolve("bin/lbkit").toString(), "ipvsadm"));
    script.addAll(List.of(args));
    List<String> full = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", target.resolve("lbkit.jar") + ":" + target.resolve("lib") + "/*", Main.class.getName(), "ipvsadm"));
    full.addAll(List.of(args));
    Result expected = run(full, stdin);
    assertEquals(expected, run(script, stdin), "bin/lbkit ipvsadm " + String.join(" ", args));
  }

  @Test
  void theBuildSetUpTheOwnRuntime() {
    Path dir = KernelLab.module().resolve("target/ipvsadm");
    assertTrue(Files.isRegularFile(dir.resolve("classpath")) && Files.isExecutable(dir.resolve("jre/bin/java")),
        dir + " is incomplete: make-archive could not set up lbkit ipvsadm's runtime (see the package phase's output)");
  }

  @Test
  void session_sameOutputAndStatus() throws Exception {
    // both families, marks, persistence, tunnels, every listing, and refusals inside the session (exit 1)
    String session = IpvsadmCliIT.RULES + String.join("\n",
        "-Sn", "-Ln", "-Ln --stats", "-Ln --rate", "-Ln --thresholds", "-Ln --persistent-conn", "-Ln --exact",
        "-L -n -t 192.0.2.10:80", "-Ln --timeout", "-Ln --daemon",
        "-e -t 192.0.2.10:80 -r 10.0.0.2:8080 -m -w 9", "-d -t 192.0.2.10:80 -r 203.0.113.9:80",
        "-D -t 192.0.2.99:80", "-a -t 192.0.2.10:80 -r 10.0.0.2:8080 -m", "-Sn") + "\n";
    assertSame(session, "--in-memory", "-R");
  }

  @Test
  void usageErrorsAndHelp_sameOutputAndStatus() throws Exception {
    assertSame("", "--in-memory", "-A", "-t", "300.0.0.1:80");
    assertSame("", "--in-memory", "-A", "-t", "10.0.0.1:80", "-s", "nosuchsched");
    assertSame("", "--in-memory", "--bogus");
    assertSame("", "--help");
    assertSame("", "--in-memory");
  }
}
