package dev.lbkit.benchmarks.ipvs;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.Ipvs;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.IpvsClient;
import dev.lbkit.ipvs.IpvsException;
import dev.lbkit.ipvs.IpvsReconciler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Bulk IPVS load, dump and reconcile through the lbkit API, timed with the wall clock; the counterpart of
 * {@code ipvsadm -R} / {@code ipvsadm -Sn} on the same rules. Run inside the kernel lab by lab/kernel/bench-ipvs,
 * which also times ipvsadm and {@code bin/lbkit ipvsadm -R}; results go to docs/benchmarks.md.
 *
 * <pre>
 * IpvsBulkLoad --write-rules FILE SERVICES DESTS   write the table as ipvsadm -R rules
 * IpvsBulkLoad SERVICES DESTS [ROUNDS]             load, dump, reconcile 1%, then 0.1/1/10% by plan between
 *                                                  desired tables (needs IPVS and CAP_NET_ADMIN)
 * IpvsBulkLoad --dump ROUNDS                        time IpvsClient.table() of the loaded table, ROUNDS times
 * </pre>
 */
public final class IpvsBulkLoad {
  private IpvsBulkLoad() {}

  /** Service {@code i}: TCP 172.16.x.y:80, wrr, with destinations 10.x.y.(d+1):8080, masquerade, weight 1. */
  static List<LoadBalancedService> table(int services, int dests) {
    List<LoadBalancedService> t = new ArrayList<>(services);
    for (int i = 0; i < services; i++) {
      String net = (i >> 8) + "." + (i & 0xff);
      ServiceKey key = ServiceKey.of(Protocol.TCP, Endpoint.parse("172.16." + net + ":80"));
      List<RealServer> rs = new ArrayList<>(dests);
      for (int d = 0; d < dests; d++) {
        rs.add(RealServer.builder(Endpoint.parse("10." + net + "." + (d + 1) + ":8080"))
            .forwarding(ForwardingMethod.MASQUERADE).weight(1).build());
      }
      t.add(new LoadBalancedService(VirtualService.builder(key).scheduler("wrr").build(), rs));
    }
    return t;
  }

  public static void main(String[] args) throws IOException, IpvsException {
    if (args.length > 0 && args[0].equals("--write-rules")) {
      writeRules(Path.of(args[1]), table(Integer.parseInt(args[2]), Integer.parseInt(args[3])));
      return;
    }
    if (args.length > 0 && args[0].equals("--dump")) {
      dump(Integer.parseInt(args[1]));
      return;
    }
    int services = Integer.parseInt(args[0]);
    int dests = Integer.parseInt(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    List<LoadBalancedService> table = table(services, dests);
    List<IpvsChange> changes = new ArrayList<>();
    for (LoadBalancedService s : table) {
      changes.add(new IpvsChange.AddService(s.service()));
      for (RealServer rs : s.realServers()) {
        changes.add(new IpvsChange.AddDestination(s.service().key(), rs));
      }
    }
    try (IpvsClient ipvs = Ipvs.open()) {
      for (int round = 1; round <= rounds; round++) {
        ipvs.flush();
        long t0 = System.nanoTime();
        List<Optional<IpvsException>> results = ipvs.execute(changes);
        long t1 = System.nanoTime();
        long refused = results.stream().filter(Optional::isPresent).count();
        List<LoadBalancedService> live = ipvs.table();
        long t2 = System.nanoTime();
        int liveDests = live.stream().mapToInt(s -> s.realServers().size()).sum();
        List<LoadBalancedService> next = reweighted(table, Math.max(1, services * dests / 100));
        IpvsReconciler reconciler = new IpvsReconciler(ipvs);
        long t3 = System.nanoTime();
        IpvsReconciler.Plan plan = IpvsReconciler.diff(live, next);
        long t4 = System.nanoTime();
        IpvsReconciler.Result result = reconciler.apply(next);
        long t5 = System.nanoTime();
        // and back, from the plan between the two desired tables, without reading the live table
        IpvsReconciler.Result back = reconciler.execute(IpvsReconciler.diff(next, table));
        long t6 = System.nanoTime();
        System.out.printf(Locale.ROOT, "lbkit-api round %d: load %d changes (%d refused) %.2f s; dump %d services"
                + " %d destinations %.2f s; reconcile 1%%: diff of the dumped table %.3f s, %d changes; apply with"
                + " its own dump %.2f s (%d applied, %d refused); execute of the plan between desired tables"
                + " %.3f s (%d applied)%n", round, changes.size(), refused,
            (t1 - t0) / 1e9, live.size(), liveDests, (t2 - t1) / 1e9, (t4 - t3) / 1e9, plan.changes().size(),
            (t5 - t4) / 1e9, result.applied().size(), result.failed().size(), (t6 - t5) / 1e9,
            back.applied().size());
        // the same kind of change at 0.1%, 1% and 10% of the destinations: time in proportion to the change?
        for (int permille : new int[] {1, 10, 100}) {
          List<LoadBalancedService> changed = reweighted(table, Math.max(1, services * dests * permille / 1000));
          long s0 = System.nanoTime();
          IpvsReconciler.Plan toChanged = IpvsReconciler.diff(table, changed);
          long s1 = System.nanoTime();
          IpvsReconciler.Result there = reconciler.execute(toChanged);
          long s2 = System.nanoTime();
          IpvsReconciler.Result again = reconciler.execute(IpvsReconciler.diff(changed, table));
          long s3 = System.nanoTime();
          System.out.printf(Locale.ROOT, "lbkit-api round %d: reconcile %.1f%% by the plan between desired tables:"
                  + " %d changes: diff %.3f s + execute %.3f s = %.3f s; %d back (diff and execute) %.3f s"
                  + " (%.1f us per change)%n", round, permille / 10.0, there.applied().size(), (s1 - s0) / 1e9,
              (s2 - s1) / 1e9, (s2 - s0) / 1e9, again.applied().size(), (s3 - s2) / 1e9,
              (s3 - s0) / 1e3 / Math.max(1, there.applied().size() + again.applied().size()));
        }
      }
    }
  }

  /** {@code table} with the first destinations of evenly spread services set to weight 5, {@code count} in all. */
  private static List<LoadBalancedService> reweighted(List<LoadBalancedService> table, int count) {
    List<LoadBalancedService> next = new ArrayList<>(table);
    int changed = 0;
    for (int i = 0; i < next.size() && changed < count; i += Math.max(1, next.size() / count)) {
      LoadBalancedService s = next.get(i);
      List<RealServer> rs = new ArrayList<>(s.realServers());
      for (int d = 0; d < rs.size() && changed < count; d++, changed++) {
        rs.set(d, rs.get(d).withWeight(5));
      }
      next.set(i, new LoadBalancedService(s.service(), rs));
    }
    return next;
  }

  /** Dumps the live table {@code rounds} times in one JVM (the first round includes opening the client). */
  private static void dump(int rounds) throws IpvsException {
    long open = System.nanoTime();
    try (IpvsClient ipvs = Ipvs.open()) {
      for (int round = 1; round <= rounds; round++) {
        long t0 = System.nanoTime();
        List<LoadBalancedService> live = ipvs.table();
        long t1 = System.nanoTime();
        int dests = live.stream().mapToInt(s -> s.realServers().size()).sum();
        System.out.printf(Locale.ROOT, "lbkit-api dump round %d: %d services %d destinations %.2f s%s%n", round,
            live.size(), dests, (t1 - t0) / 1e9, round == 1 ? String.format(Locale.ROOT,
                " (opening the client before it: %.2f s)", (t0 - open) / 1e9) : "");
      }
    }
  }

  private static void writeRules(Path file, List<LoadBalancedService> table) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      for (LoadBalancedService s : table) {
        ServiceKey.Address a = (ServiceKey.Address) s.service().key();
        w.print("-A -t " + a.endpoint() + " -s wrr\n");
        for (RealServer rs : s.realServers()) {
          w.print("-a -t " + a.endpoint() + " -r " + rs.endpoint() + " -m -w 1\n");
        }
      }
    }
  }
}
