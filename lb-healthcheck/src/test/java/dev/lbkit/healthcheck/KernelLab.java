package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of this module's scripts in src/test/lab inside the kernel lab VM (lab/kernel/run), where real keepalived's
 * checker has IPVS: the lab ITs' shared launch. Each lab run has a directory of its own under target/, which the
 * script gets as its argument, and its output is kept beside it in target/NAME.log.
 */
final class KernelLab {
  private static final Path MODULE = Path.of(System.getProperty("user.dir")).toAbsolutePath();

  private KernelLab() {}

  /** target/NAME, created: where a lab run's files go (the VM writes below the repository, which it shares). */
  static Path dir(String name) throws IOException {
    return Files.createDirectories(MODULE.resolve("target/" + name));
  }

  /**
   * Runs src/test/lab/SCRIPT with {@code dir} in the lab VM (ten minutes at most) and returns its output; fails the
   * test, with the output, when the lab is missing or the script fails.
   */
  static String run(String script, Path dir) throws Exception {
    Path lab = MODULE.getParent().resolve("lab/kernel/run");
    assertTrue(Files.isExecutable(lab), lab + " is missing");
    Path log = MODULE.resolve("target/" + dir.getFileName() + ".log");
    Process p = new ProcessBuilder(lab.toString(), "--timeout", "600", "--", "bash",
        MODULE.resolve("src/test/lab/" + script).toString(), dir.toString())
        .directory(MODULE.getParent().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(700, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    assertTrue(done && p.exitValue() == 0, "the lab failed; see " + log + ":\n" + output);
    return output;
  }
}
