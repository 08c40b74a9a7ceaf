package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IPVS {@code lblc}: locality-based least-connection.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_lblc.c}): a cache maps each destination address (the packet's daddr, the
 * key, in 1024 chains by {@code hash_32(daddr, 10)}) to a destination and a last-use time. A pick looks the address
 * up; a found entry's last use becomes now, and its destination is returned if it is AVAILABLE (not removed), has
 * weight above 0 and is not overloaded in lblc's sense: more active connections than its weight while some linked
 * destination has fewer than half its weight in active connections ({@code activeconns * 2 < weight}). Otherwise the
 * wlc choice over the whole list (see {@link WlcScheduler}; none: empty, keeping the entry) is returned, and the
 * entry is replaced by a new one at the head of its chain unless it already pointed there. A removed destination
 * re-added with the same address and port is the same object, so entries pointing at it become valid again.
 *
 * <p>Expiry: see {@link LocalityScheduler}; full checks delete entries unused for {@code lblc-expiration} (sysctl
 * {@code lblc_expiration}, default 24 h) every 30 minutes.
 *
 * <p>How: O(1) lookups; the wlc choice comes from a heap and the "some destination is half loaded" test from a
 * count, so nothing scans the list. Picks run under the service lock.
 */
public final class LblcScheduler extends LocalityScheduler<LblcScheduler.DestEntry> {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "lblc";
  /** The {@code lblc_expiration} sysctl's default: 24 hours. */
  public static final long DEFAULT_EXPIRATION_MILLIS = 24 * 3600 * 1000L;

  /** A cache entry: address to destination. */
  static final class DestEntry extends LocalityScheduler.Entry {
    IpvsDestination dest;

    DestEntry(InetAddress daddr, IpvsDestination dest, long now) {
      super(daddr);
      this.dest = dest;
      this.lastuse = now;
    }
  }

  /** @param expirationMillis the {@code lblc_expiration} sysctl */
  public LblcScheduler(long expirationMillis) {
    super(expirationMillis);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    InetAddress daddr = flow.destination();
    long now = now();
    DestEntry en = lookup(daddr);
    if (en != null) {
      en.lastuse = now;
      IpvsDestination d = en.dest;
      if (d.available() && d.weight() > 0 && !localityOverloaded(d)) {
        return d;
      }
    }
    IpvsDestination d = wlcPick();
    if (d == null) {
      return null;
    }
    if (en != null) {
      if (en.dest == d) {
        return d;
      }
      unchainForReplacement(en);
    }
    insert(new DestEntry(daddr, d, now));
    return d;
  }

  @Override
  Map<String, Object> describe(int bucket, DestEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bucket", (long) bucket);
    m.put("daddr", addressText(e));
    m.put("dest", e.dest.name());
    m.put("lastuse", e.lastuse);
    return m;
  }
}
