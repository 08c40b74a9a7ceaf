package dev.lbkit.scheduling.sim;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Request;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What a simulation replays: connections (arrival time, how long the connection stays open, how much work its
 * request costs, which client sent it) and destination changes. Immutable; arrivals are in time order.
 *
 * <p>A client stands for one request key: its address is the flow's source, and its request carries a path,
 * {@code user} parameter, {@code X-Key} header and RDP cookie derived from it, so hashing schedulers of either
 * engine keep a client on one destination.
 */
public final class Workload {
  static final InetAddress VIP = address(new byte[] {(byte) 192, 0, 2, 10});

  private final long[] arrivalMicros;
  private final long[] durationMicros;
  private final long[] costMicros;
  private final int[] client;
  private final Request[] clients;
  private final List<Change> changes;

  Workload(long[] arrivalMicros, long[] durationMicros, long[] costMicros, int[] client, Request[] clients,
      List<Change> changes) {
    this.arrivalMicros = arrivalMicros;
    this.durationMicros = durationMicros;
    this.costMicros = costMicros;
    this.client = client;
    this.clients = clients;
    List<Change> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparingLong(Change::timeMicros));
    this.changes = List.copyOf(sorted);
    for (int i = 1; i < arrivalMicros.length; i++) {
      if (arrivalMicros[i] < arrivalMicros[i - 1]) {
        throw new IllegalArgumentException("arrivals must be in time order (connection " + i + ")");
      }
    }
  }

  /**
   * Parameters of a synthetic workload: Poisson arrivals at {@code ratePerSecond}, exponential connection
   * durations and request costs with the given means, clients drawn uniformly from {@code clients}.
   *
   * @param connections how many connections
   * @param ratePerSecond mean arrivals per second
   * @param meanDurationMicros mean time a connection stays open
   * @param meanCostMicros mean work of a request, in microseconds of one worker
   * @param clients distinct clients (request keys)
   * @param seed the random seed; equal seeds give equal workloads
   * @param changes destination changes
   */
  public record Synthetic(int connections, double ratePerSecond, long meanDurationMicros, long meanCostMicros,
      int clients, long seed, List<Change> changes) {
    public Synthetic {
      if (connections < 1 || !(ratePerSecond > 0) || meanDurationMicros < 0 || meanCostMicros < 0 || clients < 1) {
        throw new IllegalArgumentException("synthetic workload needs connections >= 1, rate > 0, clients >= 1 and "
            + "non-negative means");
      }
      changes = List.copyOf(requireNonNull(changes, "changes"));
    }
  }

  /**
   * Parses a duration such as {@code 250ms}, {@code 1.5s} or {@code 20us} into microseconds.
   *
   * @throws IllegalArgumentException without a unit or for a negative or non-numeric value
   */
  public static long parseMicros(String text) {
    return Durations.parseMicros(text, "duration");
  }

  /** Generates a synthetic workload. */
  public static Workload synthetic(Synthetic spec) {
    SplittableRandom rnd = new SplittableRandom(spec.seed());
    int n = spec.connections();
    long[] at = new long[n];
    long[] dur = new long[n];
    long[] cost = new long[n];
    int[] who = new int[n];
    double t = 0;
    double meanGap = 1_000_000.0 / spec.ratePerSecond();
    for (int i = 0; i < n; i++) {
      t += exponential(rnd, meanGap);
      at[i] = (long) t;
      dur[i] = (long) exponential(rnd, spec.meanDurationMicros());
      cost[i] = (long) exponential(rnd, spec.meanCostMicros());
      who[i] = rnd.nextInt(spec.clients());
    }
    Request[] clients = new Request[spec.clients()];
    for (int c = 0; c < clients.length; c++) {
      clients[c] = request(c, null);
    }
    return new Workload(at, dur, cost, who, clients, spec.changes());
  }

  private static double exponential(SplittableRandom rnd, double mean) {
    return mean == 0 ? 0 : -mean * Math.log(1 - rnd.nextDouble());
  }

  /** The request of client number {@code c}; its source address is {@code 10.x.y.z} from c unless given. */
  static Request request(int c, InetAddress source) {
    InetAddress src = source != null ? source
        : address(new byte[] {10, (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
    Flow flow = new Flow(Protocol.TCP, src, 1024 + (c % 60000), VIP, 80, 0);
    String key = "c" + c;
    return new Request(flow, "GET", "/" + key + "/index.html?user=" + key,
        Map.of("Host", List.of(key + ".example.com"), "X-Key", List.of(key)), Optional.of(key));
  }

  static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Number of connections. */
  public int size() {
    return arrivalMicros.length;
  }

  /** Number of distinct clients. */
  public int clients() {
    return clients.length;
  }

  /** The destination changes, in time order. */
  public List<Change> changes() {
    return changes;
  }

  /** Arrival of connection i, microseconds. */
  public long arrivalMicros(int i) {
    return arrivalMicros[i];
  }

  /** Time connection i stays open, microseconds. */
  public long durationMicros(int i) {
    return durationMicros[i];
  }

  /** Work of connection i's request, microseconds of one worker. */
  public long costMicros(int i) {
    return costMicros[i];
  }

  /** The client of connection i. */
  public int client(int i) {
    return client[i];
  }

  /** The request a client sends. */
  public Request clientRequest(int c) {
    return clients[c];
  }

  /** The same connections with other changes. */
  public Workload withChanges(List<Change> newChanges) {
    return new Workload(arrivalMicros, durationMicros, costMicros, client, clients, newChanges);
  }

  @Override
  public String toString() {
    return "Workload(" + size() + " connections, " + clients() + " clients, " + changes.size() + " changes, "
        + (size() == 0 ? 0 : arrivalMicros[size() - 1]) + " us)";
  }
}
