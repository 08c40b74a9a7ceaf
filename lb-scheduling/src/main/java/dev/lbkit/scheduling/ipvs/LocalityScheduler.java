package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.internal.KernelHash;
import dev.lbkit.scheduling.ipvs.LocalityScheduler.Entry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What lblc and lblcr share: a wlc choice over the whole list kept in a heap (no scan), the "some destination is
 * less than half loaded" test of their {@code is_overloaded} kept as a count, and the per-destination-address cache:
 * 1024 chains ({@code CONFIG_IP_VS_LBLC(R)_TAB_BITS = 10}) indexed by {@code hash_32(daddr, 10)}, new entries at the
 * head of their chain, swept by a timer every 60 s ({@code CHECK_EXPIRE_INTERVAL}).
 *
 * <p>Timer, first due 60 s after the service was created and re-armed 60 s after each run: every 30th run
 * ({@code COUNT_FOR_FULL_EXPIRATION}) deletes every entry unused for the expiration time (the sysctl) and resets the
 * count to 1; otherwise, while there are at most 16384 entries ({@code 16 * table size}) the count just grows; above
 * that, a partial sweep from the bucket after {@code rover} deletes entries unused for 6 minutes until it has
 * deleted {@code min((entries - 16384) * 4 / 3, 8192)}, remembering where it stopped.
 *
 * @param <E> the entry type
 */
abstract class LocalityScheduler<E extends Entry> extends IndexedIpvsScheduler {
  /** {@code IP_VS_LBLC_TAB_BITS}. */
  public static final int TABLE_BITS = 10;
  /** {@code IP_VS_LBLC_TAB_SIZE}. */
  public static final int TABLE_SIZE = 1 << TABLE_BITS;
  private static final int MAX_SIZE = TABLE_SIZE * 16;
  private static final long CHECK_INTERVAL_MILLIS = 60_000;
  private static final long ENTRY_TIMEOUT_MILLIS = 6 * 60_000;
  private static final int COUNT_FOR_FULL_EXPIRATION = 30;

  /** A cache entry; subclasses add the destination or set. */
  public abstract static class Entry {
    /** The address folded as the kernel hashes it (the IPv4 address itself). */
    public final int daddr;
    /** The full address when it is IPv6 (the fold alone is not unique), else null. */
    final InetAddress address6;
    public long lastuse;
    Entry next;

    protected Entry(InetAddress daddr) {
      this.daddr = KernelHash.foldAddress(daddr);
      this.address6 = daddr instanceof Inet4Address ? null : daddr;
    }
  }

  private final long expirationMillis;
  @SuppressWarnings("unchecked")
  private final E[] buckets = (E[]) new Entry[TABLE_SIZE];
  private int entries;
  private int counter = 1;
  private int rover;
  private long timerDue = CHECK_INTERVAL_MILLIS;
  private boolean[] halfLoaded = new boolean[8];
  private int halfLoadedCount;

  protected LocalityScheduler(long expirationMillis) {
    this.expirationMillis = expirationMillis;
  }

  /** Cache lookups and inserts run under the service lock. */
  @Override
  protected boolean lockFreePicks() {
    return false;
  }

  @Override
  protected boolean eligible(IpvsDestination d) {
    return d.weight() > 0 && !d.overloaded();
  }

  @Override
  protected boolean before(IpvsDestination a, IpvsDestination b) {
    return weightedBefore(a.overhead(), a.weight(), a.listSequence(), b.overhead(), b.weight(), b.listSequence());
  }

  @Override
  protected void refile(IpvsDestination d) {
    super.refile(d);
    int id = d.id();
    if (id >= halfLoaded.length) {
      halfLoaded = Arrays.copyOf(halfLoaded, Math.max(id + 1, halfLoaded.length * 2));
    }
    boolean half = d.available() && (long) d.activeConnections() * 2 < d.weight();
    if (half != halfLoaded[id]) {
      halfLoaded[id] = half;
      halfLoadedCount += half ? 1 : -1;
    }
  }

  /** The wlc choice over the whole list ({@code __ip_vs_lblc_schedule}), or null. */
  protected final IpvsDestination wlcPick() {
    return heap.peek();
  }

  /**
   * The kernel's {@code is_overloaded(dest, svc)}: more active connections than weight while some linked
   * destination has fewer than half its weight in active connections.
   */
  protected final boolean localityOverloaded(IpvsDestination d) {
    return d.activeConnections() > d.weight() && halfLoadedCount > 0;
  }

  /** The cache entry for a destination address, or null; compares whole addresses as the kernel does. */
  protected final E lookup(InetAddress address) {
    int daddr = KernelHash.foldAddress(address);
    boolean v4 = address instanceof Inet4Address;
    for (Entry e = buckets[bucket(daddr)]; e != null; e = e.next) {
      if (e.daddr == daddr && (v4 ? e.address6 == null : address.equals(e.address6))) {
        @SuppressWarnings("unchecked")
        E found = (E) e;
        return found;
      }
    }
    return null;
  }

  /** Adds an entry at the head of its chain. */
  protected final void insert(E e) {
    int b = bucket(e.daddr);
    e.next = buckets[b];
    buckets[b] = e;
    entries++;
  }

  /**
   * Unchains an entry that is being replaced. Like the kernel's {@code ip_vs_lblc_new}, this does not lower the
   * entry count (only expiry does), so the count runs ahead of the real number of entries after replacements; it
   * matters for when the partial sweep starts.
   */
  protected final void unchainForReplacement(E e) {
    int b = bucket(e.daddr);
    Entry prev = null;
    for (Entry x = buckets[b]; x != null; prev = x, x = x.next) {
      if (x == e) {
        if (prev == null) {
          @SuppressWarnings("unchecked")
          E n = (E) x.next;
          buckets[b] = n;
        } else {
          prev.next = x.next;
        }
        return;
      }
    }
  }

  private static int bucket(int daddr) {
    return KernelHash.hash32(daddr, TABLE_BITS);
  }

  @Override
  protected void advanceTo(long nowMillis) {
    while (timerDue <= nowMillis) {
      long t = timerDue;
      checkExpire(t);
      timerDue = t + CHECK_INTERVAL_MILLIS;
    }
  }

  private void checkExpire(long now) {
    if (counter % COUNT_FOR_FULL_EXPIRATION == 0) {
      sweep(now, expirationMillis, Integer.MAX_VALUE);
      counter = 1;
      return;
    }
    if (entries <= MAX_SIZE) {
      counter++;
      return;
    }
    int goal = Math.min((entries - MAX_SIZE) * 4 / 3, MAX_SIZE / 2);
    sweep(now, ENTRY_TIMEOUT_MILLIS, goal);
  }

  /** Deletes entries with {@code now >= lastuse + age}, bucket by bucket after {@code rover}, until goal. */
  private void sweep(long now, long age, int goal) {
    int j = rover;
    for (int i = 0; i < TABLE_SIZE; i++) {
      j = (j + 1) & (TABLE_SIZE - 1);
      Entry prev = null;
      for (Entry e = buckets[j]; e != null; e = e.next) {
        if (now >= e.lastuse + age) {
          if (prev == null) {
            @SuppressWarnings("unchecked")
            E n = (E) e.next;
            buckets[j] = n;
          } else {
            prev.next = e.next;
          }
          entries--;
          goal--;
        } else {
          prev = e;
        }
      }
      if (goal <= 0) {
        break;
      }
    }
    rover = j;
  }

  /** The kernel's entry count (see {@link #unchainForReplacement}). */
  public final int entries() {
    return entries;
  }

  /** State for trace checks: entries, counter, rover, timer and every entry in bucket and chain order. */
  @Override
  public Map<String, Object> state() {
    List<Object> list = new ArrayList<>();
    for (int b = 0; b < TABLE_SIZE; b++) {
      for (Entry e = buckets[b]; e != null; e = e.next) {
        @SuppressWarnings("unchecked")
        E en = (E) e;
        list.add(describe(b, en));
      }
    }
    return Map.of("entries", (long) entries, "counter", (long) counter, "rover", (long) rover,
        "timer_expires", timerDue, "entries_list", list);
  }

  /** One entry as a map for {@link #state()}. */
  abstract Map<String, Object> describe(int bucket, E e);

  /** The address of an entry as text. */
  protected static String addressText(Entry e) {
    if (e.address6 != null) {
      return dev.lbkit.api.Endpoint.toAddrString(e.address6);
    }
    int a = e.daddr;
    return ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
  }
}
