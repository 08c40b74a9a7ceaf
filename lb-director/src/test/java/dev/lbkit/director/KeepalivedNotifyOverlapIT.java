package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.healthcheck.misc.ScriptUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real keepalived 2.2.7 starts each notify script at its event without waiting for the ones still running (notify.c
 * {@code notify_exec} forks and returns), and lbkit's {@link NotifyRunner} does the same: one slow hook as an
 * instance's {@code notify_backup} and as its {@code notify}, both triggered by its entering BACKUP, runs twice side by
 * side on both. Each run writes when it starts and ends (/proc/uptime, a second apart); the second to start must
 * start before the first ends. Needs root, unshare and keepalived (.ci/install; see {@link NetnsKeepalived});
 * skipped, saying so, without root.
 */
final class KeepalivedNotifyOverlapIT {
  @TempDir
  Path dir;

  private static final String CONF = NetnsKeepalived.VI_1_OPENING + """
        notify_backup "%1$s/slow.sh backup"
        notify "%1$s/slow.sh notify"
      }
      """;

  /** What the hook wrote: "backup start", "notify-BACKUP end", ... to the uptime of the first such line. */
  private static Map<String, Double> times(Path log) throws Exception {
    Map<String, Double> at = new HashMap<>();
    for (String line : Files.readAllLines(log)) {
      String[] w = line.split(" ");
      at.putIfAbsent(w[0] + " " + w[1], Double.parseDouble(w[2]));
    }
    return at;
  }

  private static void assertSideBySide(String who, Map<String, Double> at) {
    Double backupStart = at.get("backup start");
    Double notifyStart = at.get("notify-BACKUP start");
    assertTrue(backupStart != null && notifyStart != null && at.containsKey("backup end")
        && at.containsKey("notify-BACKUP end"), who + ": both hooks ran to their end: " + at);
    boolean backupFirst = backupStart <= notifyStart;
    double secondStart = backupFirst ? notifyStart : backupStart;
    double firstEnd = at.get(backupFirst ? "backup end" : "notify-BACKUP end");
    assertTrue(secondStart < firstEnd, who + " ran the hooks one after the other: " + at);
  }

  @Test
  void notifyBackupAndNotify_runSideBySide_inKeepalivedAsInLbkit() throws Exception {
    assumeTrue(ScriptUser.canSwitch(), "KeepalivedNotifyOverlapIT needs root (namespaces); skipped");
    NetnsKeepalived keepalived = new NetnsKeepalived(dir);
    Path log = keepalived.log();
    Path hook = dir.resolve("slow.sh");
    // notify_backup gets "backup"; notify gets "notify INSTANCE VI_1 BACKUP 100", so $4 is the state
    Files.writeString(hook, "#!/bin/sh\nname=$1${4:+-$4}\nread up _ < /proc/uptime; echo \"$name start $up\" >> '"
        + log + "'\nsleep 1\nread up _ < /proc/uptime; echo \"$name end $up\" >> '" + log + "'\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path conf = Files.writeString(dir.resolve("keepalived.conf"), CONF.formatted(dir));
    keepalived.run(conf); // 6 s: enters BACKUP at once, then MASTER a few seconds later
    assertSideBySide("keepalived " + keepalived.keepalivedLog(), times(log));

    keepalived.clearRecord();
    try (NotifyRunner runner = new NotifyRunner(KeepalivedConfigParser.parse("k.conf", CONF.formatted(dir), dir)
        .orThrow())) {
      runner.onStateChange(new VrrpStateChanged(Instant.EPOCH, "VI_1", 51, VrrpState.INITIALIZE, VrrpState.BACKUP,
          "t"));
      long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (Files.readAllLines(log).size() < 4 && System.nanoTime() < guard) {
        Thread.sleep(20); // both end on their own before the runner closes
      }
    }
    assertSideBySide("lbkit", times(log));
  }
}
