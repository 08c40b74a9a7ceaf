package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.VirtualService;
import java.util.Optional;

/**
 * A virtual service as listed from IPVS: its definition and its counters. Immutable.
 *
 * @param service the definition; persistence over the whole address is reported without a prefix length
 * @param stats the counters; empty when the listing omitted them ({@link IpvsClient.Stats#OMITTED})
 */
public record IpvsService(VirtualService service, Optional<IpvsStats> stats) {
  public IpvsService {
    requireNonNull(service, "service");
    requireNonNull(stats, "stats");
  }

  /** A service with its counters. */
  public IpvsService(VirtualService service, IpvsStats stats) {
    this(service, Optional.of(stats));
  }

  /** A service listed without its counters ({@link IpvsClient.Stats#OMITTED}). */
  public static IpvsService withoutStats(VirtualService service) {
    return new IpvsService(service, Optional.empty());
  }
}
