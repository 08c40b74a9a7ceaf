package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.VirtualService;

/**
 * A virtual service as listed from IPVS: its definition and its counters. Immutable.
 *
 * @param service the definition; persistence over the whole address is reported without a prefix length
 * @param stats the counters
 */
public record IpvsService(VirtualService service, IpvsStats stats) {
  public IpvsService {
    requireNonNull(service, "service");
    requireNonNull(stats, "stats");
  }
}
