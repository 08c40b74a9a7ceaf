package dev.lbkit.ipvs;

/**
 * Traffic counters and rates of a service or destination, as the kernel keeps them ({@code struct ip_vs_stats}).
 * Totals are since the last zeroing; rates are the kernel's estimates, per second, updated every 2 s.
 *
 * @param connections connections scheduled
 * @param packetsIn incoming packets
 * @param packetsOut outgoing packets
 * @param bytesIn incoming bytes
 * @param bytesOut outgoing bytes
 * @param connectionsPerSecond rate of new connections
 * @param packetsInPerSecond incoming packet rate
 * @param packetsOutPerSecond outgoing packet rate
 * @param bytesInPerSecond incoming byte rate
 * @param bytesOutPerSecond outgoing byte rate
 * @param wide whether these came from the kernel's 64-bit counters ({@code *_STATS64}); the 32-bit ones wrap
 */
public record IpvsStats(
    long connections,
    long packetsIn,
    long packetsOut,
    long bytesIn,
    long bytesOut,
    long connectionsPerSecond,
    long packetsInPerSecond,
    long packetsOutPerSecond,
    long bytesInPerSecond,
    long bytesOutPerSecond,
    boolean wide) {

  /** All zero, 64-bit. */
  public static final IpvsStats ZERO = new IpvsStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, true);
}
