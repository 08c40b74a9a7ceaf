package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CPU of a Master and of an idle Backup each running 100 VRRP instances (VRID 1..100, 1 s adverts), lbkit next to
 * keepalived in the same run; user+system time from /proc over a steady window. Writes
 * {@code target/vrrp-idle-cpu.md}; the only assertion is that the 100 elections ended as configured.
 */
final class IdleCpuIT {
  private static final int INSTANCES = 100;
  private static final long WINDOW_MS = Long.getLong("vrrp.cpu.windowMs", 20_000);
  /** Steady state before the window: at least the 5 s of the second GARP burst; longer lets the JIT settle. */
  private static final long WARMUP_MS = Long.getLong("vrrp.cpu.warmupMs", 6_000);
  private static final double CLK_TCK = 100.0; // USER_HZ on Linux x86-64
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbvc", 2);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void hundredInstances_masterAndIdleBackup_lbkitVsKeepalived() throws Exception {
    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "| implementation | Master, %d instances | idle Backup, %d instances |%n|---|---|---|%n", INSTANCES,
        INSTANCES));
    StringBuilder engine = new StringBuilder();

    Node master = lab.node(1, "instances=" + INSTANCES, "priority=150", "version=3", "advert=1000");
    Node backup = lab.node(2, "instances=" + INSTANCES, "priority=100", "version=3", "advert=1000");
    awaitVips(1, 15_000);
    assertEquals(INSTANCES, countVips(1), "every lbkit instance on router 1 is Master");
    assertEquals(0, countVips(2), "no lbkit instance on router 2 is Master");
    double[] lb = measure(List.of(master.pid()), List.of(backup.pid()));
    report.append(String.format(Locale.ROOT, "| lbkit | %.2f %% | %.2f %% |%n", lb[0], lb[1]));
    engine.append(String.format(Locale.ROOT, "lbkit's engine thread alone (LabNode runs the router on its main "
        + "thread; the rest is the JVM: JIT compiler, GC, periodic tasks): Master %.2f %%, idle Backup %.2f %%.%n",
        lb[2], lb[3]));
    master.terminate();
    backup.terminate();

    lab.keepalived(1, "--instances", Integer.toString(INSTANCES), "--priority", "150", "--version", "3");
    lab.keepalived(2, "--instances", Integer.toString(INSTANCES), "--priority", "100", "--version", "3");
    awaitVips(1, 15_000);
    assertEquals(INSTANCES, countVips(1), "every keepalived instance on router 1 is Master");
    assertEquals(0, countVips(2));
    double[] ka = measure(lab.keepalivedPids(1), lab.keepalivedPids(2));
    report.append(String.format(Locale.ROOT, "| keepalived 2.2.7 | %.2f %% | %.2f %% |%n", ka[0], ka[1]));
    lab.run("stop", lab.ns(1));
    lab.run("stop", lab.ns(2));

    report.append(String.format(Locale.ROOT, "%nCPU = (user + system time) / wall time over %d s after %d s of "
        + "steady state, one core = 100 %%; VRRPv3, 1 s adverts; keepalived = parent + VRRP child.%n",
        WINDOW_MS / 1000, WARMUP_MS / 1000)).append(engine);
    Files.writeString(Path.of("target", "vrrp-idle-cpu.md"), report.toString(), StandardCharsets.UTF_8);
    System.out.println(report);
  }

  private static void awaitVips(int router, long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (countVips(router) < INSTANCES && System.nanoTime() < deadline) {
      Lab.sleepMs(200);
    }
    // then a few more seconds so start-up work (GARP bursts 5 s after takeover) is outside the window
    Lab.sleepMs(WARMUP_MS);
  }

  private static int countVips(int router) {
    String out = lab.run("exec", lab.ns(router), "ip", "-o", "addr", "show", "dev", "eth0");
    return (int) out.lines().filter(l -> l.contains(" 10.97.0.")).count();
  }

  /**
   * CPU percent of the master's and the backup's processes over the window, then of their first processes' main
   * threads.
   */
  private static double[] measure(List<Long> masterPids, List<Long> backupPids) throws IOException {
    long m0 = ticks(masterPids);
    long b0 = ticks(backupPids);
    long mt0 = mainThreadTicks(masterPids.get(0));
    long bt0 = mainThreadTicks(backupPids.get(0));
    long t0 = System.nanoTime();
    Lab.sleepMs(WINDOW_MS);
    long m1 = ticks(masterPids);
    long b1 = ticks(backupPids);
    long mt1 = mainThreadTicks(masterPids.get(0));
    long bt1 = mainThreadTicks(backupPids.get(0));
    double wall = (System.nanoTime() - t0) / 1e9;
    return new double[] {100 * (m1 - m0) / CLK_TCK / wall, 100 * (b1 - b0) / CLK_TCK / wall,
        100 * (mt1 - mt0) / CLK_TCK / wall, 100 * (bt1 - bt0) / CLK_TCK / wall};
  }

  /**
   * The main thread's ticks: the threads named "java" (the launcher's primordial thread, which only waits, and the
   * one running main); the JVM's own threads have names of their own (C2 CompilerThre, G1 Service, VM Periodic Tas).
   */
  private static long mainThreadTicks(long pid) throws IOException {
    long sum = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        if (Files.readString(task.resolve("comm")).strip().equals("java")) {
          sum += ticks(task.resolve("stat"));
        }
      }
    }
    return sum;
  }

  private static long ticks(List<Long> pids) throws IOException {
    long sum = 0;
    for (long pid : pids) {
      sum += ticks(Path.of("/proc", Long.toString(pid), "stat"));
    }
    return sum;
  }

  private static long ticks(Path statFile) throws IOException {
    String stat = Files.readString(statFile);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ": state is f[0]; utime and stime are fields 14 and 15 of the whole line
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
