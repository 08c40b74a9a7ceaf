package dev.lbkit.api.sched;

/**
 * The per-destination counters of IPVS at one moment. Immutable.
 *
 * @param active active connections, at least 0
 * @param inactive inactive connections, at least 0
 * @param persistent persistence templates, at least 0
 * @param overloaded the overload flag
 */
public record DestinationCounters(int active, int inactive, int persistent, boolean overloaded) {
  /** No connections, not overloaded. */
  public static final DestinationCounters ZERO = new DestinationCounters(0, 0, 0, false);

  public DestinationCounters {
    if (active < 0 || inactive < 0 || persistent < 0) {
      throw new IllegalArgumentException("connection counters must not be negative but were active=" + active
          + " inactive=" + inactive + " persistent=" + persistent);
    }
  }

  /** {@code (active << 8) + inactive}: the kernel's {@code ip_vs_dest_conn_overhead}. */
  public long overhead() {
    return ((long) active << 8) + inactive;
  }
}
