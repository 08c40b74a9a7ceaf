package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.sched.Destination;
import java.util.TreeSet;

/**
 * One server of a {@link HaproxyBackend}: its configuration, runtime weight and state, and the number of requests
 * in flight on it ({@code served}). A live view: values change as the backend's runtime API and connection
 * bookkeeping run. Reads are safe from any thread; every change goes through the backend, which serialises them.
 *
 * <p>As a {@link Destination}: {@link #activeConnections()} is {@code served}, {@link #overloaded()} means
 * {@code maxconn} is reached, and {@link #available()} is false in {@code maint} and {@code drain}.
 */
public final class HaproxyServer implements Destination {
  private final ServerConfig config;
  private final int id;
  final int index;

  private volatile int weight;
  private volatile ServerState state = ServerState.READY;
  private volatile int served;

  // Balancer bookkeeping, guarded by the backend's lock.
  /** Effective weight: 16 x weight for dynamic algorithms, weight / gcd for map-based ones. */
  int eweight;
  /** Whether the balancer currently counts this server (up, ready and eweight > 0). */
  boolean usable;
  /** Sum of the eweights of the usable servers of the same group declared before, at start-up. */
  long cumulativeWeight;
  /** Map-based table score. */
  long wscore;
  // fwrr and fwlc: position in an ordered set
  long npos;
  long lpos;
  long rweight;
  long treeKey;
  long treeSeq;
  TreeSet<HaproxyServer> tree;
  // fwrr: the ordered set it is in
  ServerHeap heap;
  int heapIndex;
  // consistent hashing: ring points
  ChashRing.Point[] points = new ChashRing.Point[0];
  int pointsNow;

  HaproxyServer(ServerConfig config, int id, int index) {
    this.config = config;
    this.id = id;
    this.index = index;
    this.weight = config.weight();
  }

  /** Its position in declaration order, from 0. */
  public int index() {
    return index;
  }

  /** The configuration it was declared with. */
  public ServerConfig config() {
    return config;
  }

  @Override
  public String name() {
    return config.name();
  }

  /** HAProxy's numeric id ({@code puid}): explicit or assigned in declaration order. */
  public int id() {
    return id;
  }

  @Override
  public Endpoint endpoint() {
    return config.endpoint();
  }

  /** The current weight (0 to 256), as {@code set weight} left it. */
  @Override
  public int weight() {
    return weight;
  }

  /** The administrative state. */
  public ServerState state() {
    return state;
  }

  /** Whether it is a backup server. */
  public boolean backup() {
    return config.backup();
  }

  /** The {@code maxconn} limit, 0 for none. */
  public int maxconn() {
    return config.maxconn();
  }

  /** Requests in flight on this server. */
  public int served() {
    return served;
  }

  @Override
  public int activeConnections() {
    return served;
  }

  @Override
  public int inactiveConnections() {
    return 0;
  }

  @Override
  public int persistentConnections() {
    return 0;
  }

  @Override
  public boolean overloaded() {
    return full();
  }

  @Override
  public boolean available() {
    return state == ServerState.READY;
  }

  /** Whether {@code maxconn} is set and reached. */
  boolean full() {
    int max = config.maxconn();
    return max > 0 && served >= max;
  }

  void weight(int newWeight) {
    weight = newWeight;
  }

  void state(ServerState newState) {
    state = newState;
  }

  void served(int newServed) {
    served = newServed;
  }

  @Override
  public String toString() {
    return name() + "(id " + id + ", weight " + weight + (backup() ? ", backup" : "") + ", " + state + ")";
  }
}
