package dev.lbkit.scheduling;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.sched.Destination;
import dev.lbkit.scheduling.internal.KernelHash;
import java.util.Optional;

/**
 * One destination (real server) of an {@link IpvsService}, with the kernel's per-destination state: weight,
 * {@code last_weight}, thresholds, the active/inactive/persistent counters and the OVERLOAD and AVAILABLE flags.
 *
 * <p>A destination object outlives its removal, as the kernel's "dest trash" does: it keeps its counters, and adding
 * the same address and port again revives this very object. Only its service changes it, under the service's lock;
 * every getter may be called from any thread and returns the latest published value.
 */
public final class IpvsDestination implements Destination {
  private final Endpoint endpoint;
  private final int id;
  private final int hashAddress;
  private final Optional<Destination> asOptional = Optional.of(this);

  private volatile int weight;
  private volatile int lastWeight;
  private volatile int upperThreshold;
  private volatile int lowerThreshold;
  private volatile int active;
  private volatile int inactive;
  private volatile int persistent;
  private volatile boolean overloaded;
  private volatile boolean available;

  /** List position key: a smaller value is nearer the list head. Guarded by the service lock. */
  long sequence;
  /** Index in the service's current list, -1 when not linked; published with each new list. */
  private volatile int listIndex = -1;

  IpvsDestination(Endpoint endpoint, int id) {
    this.endpoint = endpoint;
    this.id = id;
    this.hashAddress = KernelHash.foldAddress(endpoint.address());
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Dense index in creation order within its service: 0 for the first destination ever added. */
  public int id() {
    return id;
  }

  /**
   * The address as the kernel's hash functions take it: {@code ntohl} of an IPv4 address, the XOR of the four
   * 32-bit words of an IPv6 address.
   */
  public int hashAddress() {
    return hashAddress;
  }

  /**
   * Where it stands in the list: a destination with a smaller sequence is nearer the head. Each add (and re-add)
   * takes a new, smaller sequence, as the kernel's list_add at the head does; removals keep the others' order.
   */
  public long listSequence() {
    return sequence;
  }

  /**
   * Its index in the service's current destination list (0 = head), or -1 when not linked. Updated whenever the
   * service publishes a new list; a reader racing with a change may see the index of the previous list, so
   * check {@code list[index] == this} before relying on it.
   */
  public int listIndex() {
    return listIndex;
  }

  @Override
  public int weight() {
    return weight;
  }

  /** The latest weight that was non-zero or given when added ({@code dest->last_weight}); mh builds its table from it. */
  public int lastWeight() {
    return lastWeight;
  }

  /** {@code u_threshold}: at this many connections (active plus inactive) the destination becomes overloaded; 0 = off. */
  public int upperThreshold() {
    return upperThreshold;
  }

  /** {@code l_threshold}: below this many the overload ends; 0 = 3/4 of the upper threshold. */
  public int lowerThreshold() {
    return lowerThreshold;
  }

  @Override
  public int activeConnections() {
    return active;
  }

  @Override
  public int inactiveConnections() {
    return inactive;
  }

  @Override
  public int persistentConnections() {
    return persistent;
  }

  @Override
  public boolean overloaded() {
    return overloaded;
  }

  @Override
  public boolean available() {
    return available;
  }

  /** {@code (activeconns << 8) + inactconns} in 32-bit arithmetic, the kernel's {@code ip_vs_dest_conn_overhead}. */
  public int overhead() {
    return (active << 8) + inactive;
  }

  /** {@code name()} of the endpoint, {@code a.b.c.d:port}. */
  @Override
  public String toString() {
    return endpoint.toString();
  }

  /** This destination wrapped once, so that picks do not allocate. */
  Optional<Destination> asOptional() {
    return asOptional;
  }

  // Mutators, called only by IpvsService under its lock.

  void setWeight(int w) {
    weight = w;
  }

  void setLastWeight(int w) {
    lastWeight = w;
  }

  void setThresholds(int upper, int lower) {
    upperThreshold = upper;
    lowerThreshold = lower;
  }

  void setActive(int n) {
    active = n;
  }

  void setInactive(int n) {
    inactive = n;
  }

  void setPersistent(int n) {
    persistent = n;
  }

  void setOverloaded(boolean b) {
    overloaded = b;
  }

  void setListIndex(int i) {
    listIndex = i;
  }

  void setAvailable(boolean b) {
    available = b;
  }
}
