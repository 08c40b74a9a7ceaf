package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IPVS {@code lblcr}: locality-based least-connection with replication.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_lblcr.c}): like {@link LblcScheduler}, but a cache entry holds a set of
 * destinations (new members at the front) with a last-modified time. A pick that finds the entry sets its last use
 * to now and first takes the set's minimum: the first member without OVERLOAD, with weight above 0 and AVAILABLE,
 * replaced by each later member without OVERLOAD when {@code oh(least) * w(m) > oh(m) * w(least)} and that member is
 * AVAILABLE. Then, if the set has more than one member and {@code now > lastmod + lblcr-expiration}, it drops the
 * set's maximum (the first member with weight above 0, replaced by each later member with weight above 0 when
 * {@code oh(most) * w(m) < oh(m) * w(most)}) and sets lastmod. If the minimum exists and is not overloaded in lblc's
 * sense it is returned (even if it was just dropped). Otherwise the wlc choice over the whole list (none: empty) is
 * returned and, if not yet a member, inserted at the front of the set with lastmod = now. Without an entry, the wlc
 * choice starts a new entry with a one-member set. Overheads are {@code activeconns * 256 + inactconns}, products in
 * 64 bits.
 *
 * <p>Expiry: see {@link LocalityScheduler}, with the {@code lblcr_expiration} sysctl (option
 * {@code lblcr-expiration}, default 24 h); the full check deletes entries unused that long.
 *
 * <p>How: O(1) lookups plus a walk of the entry's (small) set; the wlc choice comes from a heap. Picks run under the
 * service lock.
 */
public final class LblcrScheduler extends LocalityScheduler<LblcrScheduler.SetEntry> {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "lblcr";
  /** The {@code lblcr_expiration} sysctl's default: 24 hours. */
  public static final long DEFAULT_EXPIRATION_MILLIS = 24 * 3600 * 1000L;

  private final long expirationMillis;

  /** A cache entry: address to an ordered set of destinations, front first. */
  static final class SetEntry extends LocalityScheduler.Entry {
    final List<IpvsDestination> set = new ArrayList<>(2);
    long lastmod;

    SetEntry(InetAddress daddr, long now) {
      super(daddr);
      this.lastuse = now;
      this.lastmod = now;
    }
  }

  /** @param expirationMillis the {@code lblcr_expiration} sysctl */
  public LblcrScheduler(long expirationMillis) {
    super(expirationMillis);
    this.expirationMillis = expirationMillis;
  }

  @Override
  public String name() {
    return NAME;
  }

  private static IpvsDestination setMin(List<IpvsDestination> set) {
    int i = 0;
    int n = set.size();
    IpvsDestination least = null;
    for (; i < n; i++) {
      IpvsDestination d = set.get(i);
      if (!d.overloaded() && d.weight() > 0 && d.available()) {
        least = d;
        break;
      }
    }
    if (least == null) {
      return null;
    }
    long loh = least.overhead();
    for (i++; i < n; i++) {
      IpvsDestination d = set.get(i);
      if (d.overloaded()) {
        continue;
      }
      long doh = d.overhead();
      if (loh * d.weight() > doh * least.weight() && d.available()) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  private static IpvsDestination setMax(List<IpvsDestination> set) {
    int i = 0;
    int n = set.size();
    IpvsDestination most = null;
    for (; i < n; i++) {
      if (set.get(i).weight() > 0) {
        most = set.get(i);
        break;
      }
    }
    if (most == null) {
      return null;
    }
    long moh = most.overhead();
    for (i++; i < n; i++) {
      IpvsDestination d = set.get(i);
      long doh = d.overhead();
      if (moh * d.weight() < doh * most.weight() && d.weight() > 0) {
        most = d;
        moh = doh;
      }
    }
    return most;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    InetAddress daddr = flow.destination();
    long now = now();
    SetEntry en = lookup(daddr);
    if (en != null) {
      en.lastuse = now;
      IpvsDestination d = setMin(en.set);
      if (en.set.size() > 1 && now > en.lastmod + expirationMillis) {
        IpvsDestination m = setMax(en.set);
        if (m != null) {
          en.set.remove(m);
          en.lastmod = now;
        }
      }
      if (d != null && !localityOverloaded(d)) {
        return d;
      }
      d = wlcPick();
      if (d == null) {
        return null;
      }
      if (!en.set.contains(d)) {
        en.set.add(0, d);
        en.lastmod = now;
      }
      return d;
    }
    IpvsDestination d = wlcPick();
    if (d == null) {
      return null;
    }
    SetEntry e = new SetEntry(daddr, now);
    e.set.add(d);
    insert(e);
    return d;
  }

  @Override
  Map<String, Object> describe(int bucket, SetEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bucket", (long) bucket);
    m.put("daddr", addressText(e));
    m.put("lastuse", e.lastuse);
    m.put("lastmod", e.lastmod);
    m.put("size", (long) e.set.size());
    List<Object> names = new ArrayList<>();
    for (IpvsDestination d : e.set) {
      names.add(d.name());
    }
    m.put("set", names);
    return m;
  }
}
