package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command as root in the kernel lab VM (lab/kernel/run: Debian's kernel with IPVS under qemu) for this
 * module's integration tests ({@link IpvsadmCliIT}, {@link DirectorKernelLabIT}), its output and errors in a log
 * file. The lab shares only its working directory read-write and hides the host's /tmp behind a fresh tmpfs, so the
 * command runs from the checkout's root: then every module's classes are visible even in a clone under /tmp.
 */
final class KernelLab {
  /**
   * How a lab run ended: {@code done} is false when it outran its time (the lab was then killed and
   * {@code exitValue} is -1); {@code output} is the whole log.
   */
  record Run(boolean done, int exitValue, String output) {}

  private KernelLab() {}

  /** This module's directory: Maven runs its tests there. */
  static Path module() {
    return Path.of(System.getProperty("user.dir")).toAbsolutePath();
  }

  /** The checkout's root. */
  static Path root() {
    return module().getParent();
  }

  /**
   * {@code lab/kernel/run --timeout SECONDS -- COMMAND...} from the checkout's root, its output in {@code log};
   * waits 100 s longer than the lab's own timeout before killing it. Fails the test when the lab script is missing.
   */
  static Run run(Path log, int timeoutSeconds, String... command) throws Exception {
    Path lab = root().resolve("lab/kernel/run");
    assertTrue(Files.isExecutable(lab), lab + " is missing");
    List<String> line = new ArrayList<>(List.of(lab.toString(), "--timeout", String.valueOf(timeoutSeconds), "--"));
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).directory(root().toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(timeoutSeconds + 100, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    return new Run(done, done ? p.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
  }
}
