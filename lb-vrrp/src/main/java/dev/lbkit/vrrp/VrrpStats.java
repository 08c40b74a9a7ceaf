package dev.lbkit.vrrp;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of one VRRP instance (or of a router for packets no instance claimed), as a snapshot.
 *
 * @param advertisementsReceived advertisements that passed every check
 * @param advertisementsSent advertisements sent, priority 0 included
 * @param priorityZeroReceived resignations received
 * @param priorityZeroSent resignations sent
 * @param becameMaster transitions to Master
 * @param sendErrors advertisements the transport failed to send
 * @param addressErrors virtual address add/remove/announce failures
 * @param filterErrors accept-mode filter failures (blocking or unblocking traffic to the virtual addresses)
 * @param rejected dropped packets by reason ({@code checksum}, {@code auth_password}, {@code vrid}, and for IPsec-AH
 *     {@code auth_ah_icv}, {@code auth_ah_sequence}, ...)
 */
public record VrrpStats(long advertisementsReceived, long advertisementsSent, long priorityZeroReceived,
    long priorityZeroSent, long becameMaster, long sendErrors, long addressErrors, long filterErrors,
    Map<String, Long> rejected) {
  public VrrpStats {
    rejected = java.util.Collections.unmodifiableMap(new TreeMap<>(rejected));
  }

  /** Dropped packets for one reason key, 0 if none. */
  public long rejected(String reason) {
    return rejected.getOrDefault(reason, 0L);
  }

  /** All dropped packets. */
  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }
}
