package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.internal.KernelHash;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IPVS {@code mh}: Maglev hashing.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_mh.c}): a lookup table of {@code M = 4093} slots
 * ({@code CONFIG_IP_VS_MH_TAB_INDEX = 12}), rebuilt on every add, remove and edit from the destinations'
 * {@code last_weight} (so quiescing to weight 0 leaves the table alone and merely makes the destination unavailable).
 * The hash is {@code hk(addr, port, key, off) = hsiphash(off + port + addr)} over that 32-bit sum as 4
 * little-endian bytes, with the 64-bit kernel's SipHash-1-3 and the fixed keys {@code hash1 = {2654435761,
 * 2654435761}} and {@code hash2 = {2654446892, 2654446892}}; {@code addr} is in host order (IPv6: XOR of its words).
 *
 * <p>Rebuild: {@code g} = gcd of the positive last weights (none: every slot empty);
 * {@code rshift = max(0, fls(maxLastWeight / g) - 6)}. Each destination in list order gets {@code offset =
 * hk(addr, port, hash1, 0) mod M}, {@code skip = hk(addr, port, hash2, 0) mod (M - 1) + 1} and
 * {@code turns = (lastWeight / g) >> rshift} (at least 1 when its last weight is not 0, else 0). Passes over the list
 * in order let each destination claim {@code turns} slots in a row, each claim stepping its permutation by
 * {@code skip} past taken slots, until all {@code M} slots are taken.
 *
 * <p>Lookup: {@code port} is the source port with {@code mh-port} and 0 otherwise; {@code ih = hk(saddr, port,
 * hash1, 0) mod M}. Unavailable means weight 0 or OVERLOAD. Without {@code mh-fallback}: the slot's destination
 * unless empty or unavailable. With it: an empty slot gives empty, an available destination is returned, otherwise
 * for {@code o = 0..M-1} the slot {@code hk(saddr, port, hash1, (o + ih) mod M) mod M} is tried: the first available
 * destination wins and an empty slot ends the search.
 *
 * <p>Picks read an immutable table published through a volatile field and take no lock; no allocation for IPv4.
 * A rebuild for 1,000 destinations takes well under a millisecond (see docs/benchmarks.md).
 */
public final class MhScheduler extends TableScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "mh";
  /** Slots: {@code IP_VS_MH_TAB_SIZE}, the prime {@code primes[CONFIG_IP_VS_MH_TAB_INDEX - 8]}. */
  public static final int TABLE_SIZE = 4093;
  /** {@code IP_VS_MH_TAB_BITS}, used only for {@code rshift}. */
  private static final int TABLE_BITS = 6;
  private static final long HASH1 = 2654435761L;
  private static final long HASH2 = 2654446892L;

  private final boolean fallback;
  private final boolean port;
  private volatile Table table = new Table(new IpvsDestination[TABLE_SIZE], 0, 0, Map.of());

  private record Table(IpvsDestination[] slots, int gcd, int rshift, Map<IpvsDestination, int[]> perm) {}

  /** @param flagBits the service's {@code IP_VS_SVC_F_SCHED*} bits */
  public MhScheduler(int flagBits) {
    this.fallback = (flagBits & SchedulerFlag.MH_FALLBACK.kernelBit()) != 0;
    this.port = (flagBits & SchedulerFlag.MH_PORT.kernelBit()) != 0;
  }

  @Override
  public String name() {
    return NAME;
  }

  static int hashKey(int addr, int port, long key, int offset) {
    return KernelHash.hsiphash32(offset + port + addr, key, key);
  }

  private static boolean unavailable(IpvsDestination d) {
    return d.weight() <= 0 || d.overloaded();
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    int p = port && ShScheduler.hasPorts(flow.protocol()) ? flow.sourcePort() : 0;
    int addr = KernelHash.foldAddress(flow.source());
    IpvsDestination[] slots = table.slots();
    int ih = (int) (Integer.toUnsignedLong(hashKey(addr, p, HASH1, 0)) % TABLE_SIZE);
    IpvsDestination d = slots[ih];
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
      int s = (int) (Integer.toUnsignedLong(hashKey(addr, p, HASH1, (o + ih) % TABLE_SIZE)) % TABLE_SIZE);
      d = slots[s];
      if (d == null) {
        return null;
      }
      if (!unavailable(d)) {
        return d;
      }
    }
    return null;
  }

  @Override
  void rebuild() {
    IpvsDestination[] list = list();
    IpvsDestination[] slots = new IpvsDestination[TABLE_SIZE];
    int g = 0;
    int max = 0;
    for (IpvsDestination d : list) {
      int lw = d.lastWeight();
      if (lw > 0) {
        g = KernelHash.gcd(lw, g);
        max = Math.max(max, lw);
      }
    }
    Map<IpvsDestination, int[]> perms = new LinkedHashMap<>();
    int rshift = 0;
    if (g > 0 && list.length > 0) {
      int fls = 32 - Integer.numberOfLeadingZeros(max / g);
      rshift = Math.max(0, fls - TABLE_BITS);
      int n = list.length;
      int[] perm = new int[n];
      int[] skip = new int[n];
      int[] turns = new int[n];
      for (int i = 0; i < n; i++) {
        IpvsDestination d = list[i];
        int a = d.hashAddress();
        int dp = d.endpoint().port();
        perm[i] = (int) (Integer.toUnsignedLong(hashKey(a, dp, HASH1, 0)) % TABLE_SIZE);
        skip[i] = (int) (Integer.toUnsignedLong(hashKey(a, dp, HASH2, 0)) % (TABLE_SIZE - 1)) + 1;
        perms.put(d, new int[] {perm[i], skip[i]});
        int lw = d.lastWeight();
        int t = (lw / g) >> rshift;
        turns[i] = t == 0 ? (lw != 0 ? 1 : 0) : t;
      }
      boolean[] taken = new boolean[TABLE_SIZE];
      int filled = 0;
      fill:
      while (true) {
        for (int i = 0; i < n; i++) {
          for (int t = 0; t < turns[i]; t++) {
            int c = perm[i];
            while (taken[c]) {
              c += skip[i];
              if (c >= TABLE_SIZE) {
                c -= TABLE_SIZE;
              }
            }
            perm[i] = c;
            taken[c] = true;
            slots[c] = list[i];
            if (++filled == TABLE_SIZE) {
              break fill;
            }
          }
        }
      }
    }
    table = new Table(slots, g, rshift, perms);
  }

  @Override
  public Map<String, Object> state() {
    Table t = table;
    Map<String, Object> perm = new LinkedHashMap<>();
    t.perm().forEach((d, p) -> perm.put(d.name(), List.of((long) p[0], (long) p[1])));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("gcd", (long) t.gcd());
    m.put("rshift", (long) t.rshift());
    m.put("perm", perm);
    m.put("buckets", slotIds(t.slots()));
    return m;
  }
}
