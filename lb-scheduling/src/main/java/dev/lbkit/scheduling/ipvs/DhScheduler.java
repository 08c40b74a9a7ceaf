package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.internal.KernelHash;
import java.util.Map;

/**
 * IPVS {@code dh}: destination hashing.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_dh.c}): a table of 256 buckets ({@code CONFIG_IP_VS_DH_TAB_BITS = 8})
 * where bucket {@code i} holds list entry {@code i mod n}, in list order, weights ignored; it is rebuilt only when a
 * destination is added or removed (an edit keeps it). The key is {@code hash_32(daddr, 8)} of the packet's
 * destination address in host order (IPv6: the XOR of its four words); no port, no fallback. The bucket's
 * destination is returned unless the bucket is empty or the destination is not AVAILABLE, has weight 0 or has
 * OVERLOAD; then the result is empty.
 *
 * <p>Picks read an immutable table published through a volatile field and take no lock: O(1), no allocation.
 */
public final class DhScheduler extends TableScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "dh";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public DhScheduler() {}
  /** Buckets: {@code IP_VS_DH_TAB_SIZE}. */
  public static final int TABLE_SIZE = 256;

  private volatile IpvsDestination[] buckets = new IpvsDestination[TABLE_SIZE];

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    IpvsDestination d = buckets[KernelHash.hash32(KernelHash.foldAddress(flow.destination()), 8)];
    if (d == null || !d.available() || d.weight() <= 0 || d.overloaded()) {
      return null;
    }
    return d;
  }

  /** dh keeps its table on an edit, as {@code ip_vs_dh} has no {@code upd_dest}. */
  @Override
  boolean rebuildsOnEdit() {
    return false;
  }

  @Override
  void rebuild() {
    IpvsDestination[] list = list();
    IpvsDestination[] table = new IpvsDestination[TABLE_SIZE];
    if (list.length > 0) {
      for (int b = 0; b < TABLE_SIZE; b++) {
        table[b] = list[b % list.length];
      }
    }
    buckets = table;
  }

  @Override
  public Map<String, Object> state() {
    return Map.of("buckets", slotIds(buckets));
  }
}
