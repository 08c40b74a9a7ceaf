package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.Protocol;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.internal.KernelHash;
import java.util.Map;

/**
 * IPVS {@code sh}: source hashing.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_sh.c}): a table of 256 buckets ({@code CONFIG_IP_VS_SH_TAB_BITS = 8}),
 * rebuilt on every add, remove and edit: walking the list cyclically from the head, each destination fills
 * {@code max(weight, 1)} consecutive buckets (a weight-0 destination still owns one per round); with no
 * destinations every bucket is empty. The key is {@code hash_32(port + saddr, 8)} where {@code saddr} is the source
 * address in host order (IPv6: the XOR of its four words) and {@code port} the source port with {@code sh-port}
 * (TCP, UDP, SCTP) and 0 otherwise. A destination is unavailable with weight 0 or OVERLOAD. Without
 * {@code sh-fallback}: the key's bucket, or empty if it is empty or unavailable. With {@code sh-fallback}: an empty
 * bucket gives empty, an available destination is returned, otherwise offsets {@code o = 0..255} probe bucket
 * {@code (hash_32(port + saddr, 8) + (o + key) mod 256) mod 256}: the first available destination wins and an empty
 * bucket ends the search (note the first probe is {@code 2 * key}, not {@code key + 1}).
 *
 * <p>Picks read an immutable table published through a volatile field and take no lock: O(1), no allocation.
 */
public final class ShScheduler extends TableScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "sh";
  /** Buckets: {@code IP_VS_SH_TAB_SIZE}. */
  public static final int TABLE_SIZE = 256;
  private static final int TABLE_BITS = 8;

  private final boolean fallback;
  private final boolean port;
  private volatile IpvsDestination[] buckets = new IpvsDestination[TABLE_SIZE];

  /** @param flagBits the service's {@code IP_VS_SVC_F_SCHED*} bits */
  public ShScheduler(int flagBits) {
    this.fallback = (flagBits & SchedulerFlag.SH_FALLBACK.kernelBit()) != 0;
    this.port = (flagBits & SchedulerFlag.SH_PORT.kernelBit()) != 0;
  }

  @Override
  public String name() {
    return NAME;
  }

  private static boolean unavailable(IpvsDestination d) {
    return d.weight() <= 0 || d.overloaded();
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    int p = port && hasPorts(flow.protocol()) ? flow.sourcePort() : 0;
    int hash = KernelHash.hash32(p + KernelHash.foldAddress(flow.source()), TABLE_BITS);
    IpvsDestination[] table = buckets;
    IpvsDestination d = table[hash];
    if (d == null) {
      return null;
    }
    if (!unavailable(d)) {
      return d;
    }
    if (!fallback) {
      return null;
    }
    for (int o = 0; o < TABLE_SIZE; o++) {
      int roffset = (o + hash) & (TABLE_SIZE - 1);
      d = table[(roffset + hash) & (TABLE_SIZE - 1)];
      if (d == null) {
        return null;
      }
      if (!unavailable(d)) {
        return d;
      }
    }
    return null;
  }

  static boolean hasPorts(Protocol protocol) {
    return protocol == Protocol.TCP || protocol == Protocol.UDP || protocol == Protocol.SCTP;
  }

  @Override
  void rebuild() {
    IpvsDestination[] list = list();
    IpvsDestination[] table = new IpvsDestination[TABLE_SIZE];
    if (list.length > 0) {
      int i = 0;
      int count = 0;
      for (int b = 0; b < TABLE_SIZE; b++) {
        IpvsDestination d = list[i];
        table[b] = d;
        if (++count >= d.weight()) {
          i = i + 1 == list.length ? 0 : i + 1;
          count = 0;
        }
      }
    }
    buckets = table;
  }

  @Override
  public Map<String, Object> state() {
    return Map.of("buckets", slotIds(buckets));
  }
}
