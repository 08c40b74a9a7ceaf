package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.healthcheck.misc.MiscCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What becomes of a MISC_CHECK program still running when the checker stops, on real keepalived 2.2.7 (its checker
 * in the kernel lab VM, which has IPVS; see lab/kernel/run and src/test/lab/keepalived-misc-stop.sh) and on lbkit's
 * {@link HealthChecker#close()} on the host, with the same two programs: one that cleans up and exits on SIGTERM, one
 * that ignores SIGTERM.
 *
 * <p>Alike: both get SIGTERM (to their process group), and the first finishes its clean-up. The difference lbkit
 * makes on purpose: keepalived 2.2.7 exits about a second after its SIGTERM without sending SIGKILL, so the program
 * ignoring SIGTERM is still running seconds after keepalived is gone; lbkit, which does not exit, kills its group a
 * second after the SIGTERM, and nothing is left running when close() returns.
 */
final class KeepalivedMiscStopLabIT {
  private static final Pattern LINE = Pattern.compile("(?m)^(cleanup\\.sh|ignore\\.sh): (.*)$");

  @Test
  void stopping_sendsSigtermFirst_onBoth_butOnlyLbkitKillsAProgramThatIgnoresIt() throws Exception {
    Path dir = KernelLab.dir("keepalived-misc-stop-lab");
    Path cleanup = program(dir, "cleanup.sh", "'echo TERM >> \"$out\"; sleep 0.2; echo cleaned >> \"$out\"; exit 0'");
    Path ignore = program(dir, "ignore.sh", "'echo TERM >> \"$out\"'");
    Files.writeString(dir.resolve("keepalived.conf"), """
        global_defs {
          router_id lbkit_lab
          script_user root
        }
        virtual_server 10.9.9.9 80 {
          delay_loop 60
          lb_algo rr
          protocol TCP
          real_server 127.0.0.1 81 {
            warmup 0
            MISC_CHECK {
              misc_path "%1$s %2$s/k-cleanup"
              misc_timeout 100
            }
          }
          real_server 127.0.0.2 81 {
            warmup 0
            MISC_CHECK {
              misc_path "%3$s %2$s/k-ignore"
              misc_timeout 100
            }
          }
        }
        """.formatted(cleanup, dir, ignore));

    String output = KernelLab.run("keepalived-misc-stop.sh", dir);
    Matcher m = LINE.matcher(output);
    String keepalivedCleanup = m.find() ? m.group(2) : "";
    String keepalivedIgnore = m.find() ? m.group(2) : "";
    assertTrue(keepalivedCleanup.startsWith("started TERM") && keepalivedCleanup.contains("cleaned"), output);
    assertTrue(keepalivedIgnore.startsWith("started TERM"), output);
    assertTrue(output.contains("ignore.sh running 3 s after keepalived exited: yes"),
        "keepalived 2.2.7 killed the program that ignores SIGTERM:\n" + output);

    // lbkit, the same programs: SIGTERM first, clean-up finished, and the one ignoring SIGTERM killed by close()
    long before = ProcessHandle.current().children().count();
    HealthChecker checker = HealthChecker.builder().build();
    Path ourCleanup = dir.resolve("l-cleanup");
    Path ourIgnore = dir.resolve("l-ignore");
    Files.deleteIfExists(ourCleanup);
    Files.deleteIfExists(ourIgnore);
    CompletableFuture<CheckResult> a = checker.checkOnce(MiscCheck.of(cleanup.toString(), ourCleanup.toString()),
        Duration.ofSeconds(100));
    CompletableFuture<CheckResult> b = checker.checkOnce(MiscCheck.of(ignore.toString(), ourIgnore.toString()),
        Duration.ofSeconds(100));
    long guard = System.nanoTime() + Await.HANG_GUARD.toNanos();
    while (!(started(ourCleanup) && started(ourIgnore)) && System.nanoTime() < guard) {
      Thread.sleep(10);
    }
    checker.close();
    assertEquals("started\nTERM\ncleaned\n", Files.readString(ourCleanup));
    assertEquals("started\nTERM\n", Files.readString(ourIgnore));
    long pid = Long.parseLong(Files.readString(dir.resolve("l-ignore.pid")).strip());
    assertTrue(!Files.exists(Path.of("/proc/" + pid)), "lbkit left the program that ignores SIGTERM running");
    assertEquals(before, ProcessHandle.current().children().count());
    assertTrue(!Await.result(a).isUp() && !Await.result(b).isUp());
  }

  /** {@code dir/NAME OUT}: records its pid in OUT.pid and "started" in OUT, runs until killed, traps TERM with it. */
  private static Path program(Path dir, String name, String onTerm) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\nout=$1\necho $$ > \"$out.pid\"\ntrap " + onTerm + " TERM\n"
        + "echo started >> \"$out\"\nwhile :; do sleep 0.05; done\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static boolean started(Path out) throws Exception {
    return Files.exists(out) && Files.readString(out).startsWith("started\n");
  }
}
