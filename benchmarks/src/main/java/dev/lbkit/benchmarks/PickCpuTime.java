package dev.lbkit.benchmarks;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.Schedulers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A supplement to {@link IpvsPickBenchmark} for a shared, overloaded machine: the same set-up, but each pick's cost
 * is measured in this thread's CPU time (not wall time), so time spent descheduled while other processes run does
 * not count. Cache and frequency effects of the other processes still do. Prints one line per scheduler and size.
 *
 * <p>{@code java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' dev.lbkit.benchmarks.PickCpuTime}
 */
public final class PickCpuTime {
  private PickCpuTime() {}

  public static void main(String[] args) throws UnknownHostException {
    String[] schedulers = args.length > 0 ? args[0].split(",")
        : new String[] {"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr"};
    int[] sizes = {8, 128, 1024, 10_000};
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sink = 0;
    System.out.println("scheduler  dests   ns/pick (CPU time, best of 5 rounds of 2M picks)");
    for (String s : schedulers) {
      for (int n : sizes) {
        SplittableRandom r = new SplittableRandom(42);
        IpvsService svc = IpvsService.builder(Schedulers.create(s)).random(new SplittableRandom(7)).build();
        for (int i = 0; i < n; i++) {
          InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
          svc.addDestination(new Endpoint(a, 80), 1 + r.nextInt(10));
        }
        Flow[] flows = new Flow[4096];
        for (int i = 0; i < flows.length; i++) {
          flows[i] = new Flow(Protocol.TCP,
              InetAddress.getByAddress(new byte[] {(byte) 198, 51, (byte) (i >> 8), (byte) i}), 1024 + i,
              InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) (i % 256)}), 80, 0);
        }
        for (int i = 0; i < 2 * n; i++) {
          svc.connect(flows[r.nextInt(flows.length)]);
        }
        IpvsScheduler sched = svc.scheduler();
        double best = Double.MAX_VALUE;
        int picks = 2_000_000;
        for (int round = 0; round < 5; round++) {
          long t0 = mx.getCurrentThreadCpuTime();
          for (int i = 0; i < picks; i++) {
            IpvsDestination d = sched.select(flows[i & (flows.length - 1)]);
            sink += d == null ? 0 : d.id();
          }
          long t1 = mx.getCurrentThreadCpuTime();
          best = Math.min(best, (t1 - t0) / (double) picks);
        }
        System.out.printf(Locale.ROOT, "%-9s %6d   %8.1f%n", s, n, best);
      }
    }
    if (sink == 42) {
      System.out.println();
    }
  }
}
