package dev.lbkit.scheduling.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a simulation measured, per scheduler: load per destination, imbalance, disruption after changes and the
 * response-time tail, as a terminal {@link #table()} and an {@link #svg()} chart. Immutable.
 *
 * <p>Imbalance compares each destination's connections per unit of starting weight (destinations of weight 0 left
 * out): {@code max/mean} is 1.0 for a perfectly weighted spread, and {@code cv} is the coefficient of variation
 * (standard deviation over mean) of the same numbers.
 */
public final class SimulationReport {
  private final List<SimDestination> destinations;
  private final Workload workload;
  private final List<Result> results;

  SimulationReport(List<SimDestination> destinations, Workload workload, List<Result> results) {
    this.destinations = List.copyOf(destinations);
    this.workload = workload;
    this.results = List.copyOf(results);
  }

  /** What one change did under one scheduler: of the returning clients whose destination stayed up, how many moved. */
  public record ChangeEffect(Change change, long returningClients, long movedClients) {
    /** The share of returning clients that moved, 0 when none returned. */
    public double disruption() {
      return returningClients == 0 ? 0 : movedClients / (double) returningClients;
    }
  }

  /** One scheduler's run. */
  public static final class Result {
    private final String scheduler;
    private final int connections;
    private final int unserved;
    private final long[] picks;
    private final long[] costMicros;
    private final int[] maxOpen;
    private final long[] response;
    private long[] sortedResponse;
    private final List<ChangeEffect> changes;
    private final List<String> refusedChanges;
    private final long wallNanos;

    Result(String scheduler, int connections, int unserved, long[] picks, long[] costMicros, int[] maxOpen,
        long[] response, List<ChangeEffect> changes, List<String> refusedChanges, long wallNanos) {
      this.scheduler = scheduler;
      this.connections = connections;
      this.unserved = unserved;
      this.picks = picks.clone();
      this.costMicros = costMicros.clone();
      this.maxOpen = maxOpen.clone();
      this.response = response; // owned: the simulator hands it over
      this.changes = List.copyOf(changes);
      this.refusedChanges = List.copyOf(refusedChanges);
      this.wallNanos = wallNanos;
    }

    /** The scheduler's label. */
    public String scheduler() {
      return scheduler;
    }

    /** Connections offered. */
    public int connections() {
      return connections;
    }

    /** Connections for which nothing could be picked. */
    public int unserved() {
      return unserved;
    }

    /** Connections per destination, in destination order. */
    public long[] picks() {
      return picks.clone();
    }

    /** Work per destination in microseconds. */
    public long[] costMicros() {
      return costMicros.clone();
    }

    /** Most connections open at once per destination. */
    public int[] maxOpen() {
      return maxOpen.clone();
    }

    /** Each change's disruption. */
    public List<ChangeEffect> changes() {
      return changes;
    }

    /** Changes the engine refused (a static HAProxy algorithm and a new weight), with the reason. */
    public List<String> refusedChanges() {
      return refusedChanges;
    }

    /** Wall time of the scheduling loop. */
    public long wallNanos() {
      return wallNanos;
    }

    /** Scheduled connections per second of wall time. */
    public double connectionsPerSecond() {
      return wallNanos == 0 ? Double.POSITIVE_INFINITY : connections * 1e9 / wallNanos;
    }

    /** A response-time quantile in microseconds (q in [0, 1]); 0 when nothing was served. */
    public synchronized long responseQuantile(double q) {
      if (sortedResponse == null) {
        sortedResponse = Arrays.stream(response).filter(r -> r >= 0).sorted().toArray();
      }
      if (sortedResponse.length == 0) {
        return 0;
      }
      int i = (int) Math.min(sortedResponse.length - 1, Math.max(0, Math.ceil(q * sortedResponse.length) - 1));
      return sortedResponse[i];
    }

    /** Connections per unit of weight for destinations of weight above 0. */
    double[] normalized(List<SimDestination> ds) {
      List<Double> v = new ArrayList<>();
      for (int d = 0; d < ds.size(); d++) {
        if (ds.get(d).weight() > 0) {
          v.add(picks[d] / (double) ds.get(d).weight());
        }
      }
      return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  /** The results, one per scheduler in the order given. */
  public List<Result> results() {
    return results;
  }

  /** max/mean of connections per unit of weight; 1.0 is perfect. */
  public double imbalance(Result r) {
    double[] v = r.normalized(destinations);
    double mean = Arrays.stream(v).average().orElse(0);
    return mean == 0 ? 0 : Arrays.stream(v).max().orElse(0) / mean;
  }

  /** Coefficient of variation of connections per unit of weight. */
  public double cv(Result r) {
    double[] v = r.normalized(destinations);
    double mean = Arrays.stream(v).average().orElse(0);
    if (mean == 0) {
      return 0;
    }
    double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
    return Math.sqrt(var) / mean;
  }

  /** Mean disruption over the changes, or NaN without changes. */
  public double meanDisruption(Result r) {
    return r.changes().stream().mapToDouble(ChangeEffect::disruption).average().orElse(Double.NaN);
  }

  /** The summary and per-destination tables for a terminal. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "workload: %d connections, %d clients, %d changes, %.1f s simulated%n",
        workload.size(), workload.clients(), workload.changes().size(),
        workload.size() == 0 ? 0.0 : workload.arrivalMicros(workload.size() - 1) / 1e6));
    b.append(String.format(Locale.ROOT, "%-28s %10s %9s %7s %6s %10s %9s %9s %9s %10s%n", "scheduler", "conns",
        "unserved", "max/mean", "cv", "disruption", "p50 ms", "p99 ms", "p99.9 ms", "Mconn/s"));
    for (Result r : results) {
      double dis = meanDisruption(r);
      b.append(String.format(Locale.ROOT, "%-28s %10d %9d %7.3f %6.3f %10s %9.2f %9.2f %9.2f %10.2f%n",
          clip(r.scheduler(), 28), r.connections(), r.unserved(), imbalance(r), cv(r),
          Double.isNaN(dis) ? "-" : String.format(Locale.ROOT, "%.3f", dis), r.responseQuantile(0.5) / 1000.0,
          r.responseQuantile(0.99) / 1000.0, r.responseQuantile(0.999) / 1000.0, r.connectionsPerSecond() / 1e6));
    }
    b.append(System.lineSeparator()).append("connections per destination (weight):").append(System.lineSeparator());
    b.append(String.format(Locale.ROOT, "%-28s", "scheduler"));
    for (SimDestination d : destinations) {
      b.append(String.format(Locale.ROOT, " %12s", clip(d.name() + "(" + d.weight() + ")", 12)));
    }
    b.append(System.lineSeparator());
    for (Result r : results) {
      b.append(String.format(Locale.ROOT, "%-28s", clip(r.scheduler(), 28)));
      for (long p : r.picks) {
        b.append(String.format(Locale.ROOT, " %12d", p));
      }
      b.append(System.lineSeparator());
      for (String refused : r.refusedChanges()) {
        b.append("  refused: ").append(refused).append(System.lineSeparator());
      }
    }
    return b.toString();
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }

  /**
   * An SVG chart: for each scheduler a group of bars, one per destination, showing its share of connections
   * against its share of weight (a tick), with max/mean, disruption and p99 in the caption.
   */
  public String svg() {
    return SvgChart.render(destinations, results, this);
  }
}
