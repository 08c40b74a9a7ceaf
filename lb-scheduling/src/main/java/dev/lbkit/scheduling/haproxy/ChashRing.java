package dev.lbkit.scheduling.haproxy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * HAProxy's consistent-hash lookup ({@code lb_chash.c}): two rings of points, one for active and one for backup
 * servers.
 *
 * <p>A server with id {@code i} and effective weight {@code E} owns the points {@code avalanche(i * 4096 + j)} for
 * {@code j < E}, so a point set depends only on id and weight: changing one server never moves another's points.
 * Lowering a weight removes the highest-numbered points first; raising it adds the next ones. A hash picks the
 * nearer of the first point at or after it and the point before it (the earlier one on a tie), then, with a
 * {@code hash-balance-factor}, walks clockwise past servers holding more than their share of the requests in
 * flight. The fallback round robin walks the ring point by point from a cursor, skipping servers at maxconn; when
 * the point under the cursor is removed the cursor first moves to the following point. Points with equal keys
 * keep insertion order.
 */
final class ChashRing {
  /** Node keys are {@code id * 4096 + j} ({@code SRV_EWGHT_RANGE}). */
  static final int POINTS_PER_ID = 4096;

  /** One ring point. */
  static final class Point {
    final long key;
    final HaproxyServer server;
    final TreeSet<Point> ring;
    long seq;

    Point(long key, HaproxyServer server, TreeSet<Point> ring) {
      this.key = key;
      this.server = server;
      this.ring = ring;
    }
  }

  private static final Comparator<Point> ORDER =
      Comparator.<Point>comparingLong(p -> p.key).thenComparingLong(p -> p.seq);

  private final HaproxyBackend backend;
  private final TreeSet<Point> active = new TreeSet<>(ORDER);
  private final TreeSet<Point> backup = new TreeSet<>(ORDER);
  private Point cursor;
  private long seq;

  ChashRing(HaproxyBackend backend) {
    this.backend = backend;
  }

  void init() {
    for (HaproxyServer s : backend.servers()) {
      TreeSet<Point> ring = s.backup() ? backup : active;
      s.points = new Point[s.eweight];
      for (int j = 0; j < s.eweight; j++) {
        s.points[j] = new Point(pointKey(s, j), s, ring);
      }
      s.pointsNow = 0;
      if (s.usable) {
        adjust(s);
      }
    }
  }

  private static long pointKey(HaproxyServer s, int j) {
    return HashFunction.avalanche((long) s.id() * POINTS_PER_ID + j);
  }

  void serverChanged(HaproxyServer s, boolean wasUsable, int oldEweight) {
    if (!s.usable) {
      removeDownTo(s, 0);
    } else {
      adjust(s);
    }
  }

  /** Makes the server own exactly {@code eweight} points. */
  private void adjust(HaproxyServer s) {
    removeDownTo(s, s.eweight);
    if (s.points.length < s.eweight) {
      TreeSet<Point> ring = s.backup() ? backup : active;
      removeDownTo(s, 0);
      int old = s.points.length;
      s.points = Arrays.copyOf(s.points, s.eweight);
      for (int j = old; j < s.eweight; j++) {
        s.points[j] = new Point(pointKey(s, j), s, ring);
      }
    }
    while (s.pointsNow < s.eweight) {
      Point p = s.points[s.pointsNow++];
      p.seq = seq++;
      p.ring.add(p);
    }
  }

  private void removeDownTo(HaproxyServer s, int count) {
    while (s.pointsNow > count) {
      Point p = s.points[--s.pointsNow];
      if (cursor == p) {
        cursor = skip(p);
      }
      p.ring.remove(p);
    }
  }

  /** The point after {@code p} in its ring, wrapping; null if {@code p} is alone. */
  private static Point skip(Point p) {
    Point next = p.ring.higher(p);
    if (next == null) {
      next = p.ring.first();
    }
    return next == p ? null : next;
  }

  private TreeSet<Point> root() {
    if (backend.srvAct > 0) {
      return active;
    }
    if (backend.fbck != null) {
      return null;
    }
    return backend.srvBck > 0 ? backup : null;
  }

  /** The server for a hash, or null when nothing is usable. */
  HaproxyServer byHash(long hash) {
    if (backend.srvAct == 0 && backend.fbck != null) {
      return backend.fbck;
    }
    TreeSet<Point> ring = root();
    if (ring == null || ring.isEmpty()) {
      return null;
    }
    long h = hash & HashFunction.MASK;
    Point probe = new Point(h, null, ring);
    probe.seq = Long.MIN_VALUE;
    Point next = ring.ceiling(probe);
    if (next == null) {
      next = ring.first();
    }
    Point prev = ring.lower(next);
    if (prev == null) {
      prev = ring.last();
    }
    long dp = (h - prev.key) & HashFunction.MASK;
    long dn = (next.key - h) & HashFunction.MASK;
    if (dp <= dn) {
      next = prev;
    }
    int factor = backend.hashBalanceFactor();
    if (factor > 0) {
      int loop = 0;
      while (!eligible(next.server, factor)) {
        Point n = ring.higher(next);
        if (n == null) {
          n = ring.first();
          if (++loop > 1) {
            next = n;
            break;
          }
        }
        next = n;
      }
    }
    return next.server;
  }

  /** Bounded-load rule of {@code hash-balance-factor} (Mirrokni, Thorup, Zadimoghaddam), weighted as HAProxy does. */
  private boolean eligible(HaproxyServer s, int factor) {
    long total = backend.totWeight;
    long totSlots = ((backend.servedTotal + 1L) * factor + 99) / 100;
    long perWeight = totSlots / total;
    long remainder = totSlots % total;
    long slots = s.eweight * perWeight
        + ((s.cumulativeWeight + s.eweight) * remainder) / total - (s.cumulativeWeight * remainder) / total;
    if (slots == 0) {
      slots = 1;
    }
    return s.served() < slots;
  }

  /** Fallback round robin: the next point's server that is not at maxconn, or null. */
  HaproxyServer next() {
    if (backend.srvAct == 0 && backend.fbck != null) {
      return backend.fbck;
    }
    TreeSet<Point> root = root();
    if (root == null) {
      return null;
    }
    Point stop = cursor;
    Point node = cursor;
    do {
      if (node != null) {
        node = node.ring.higher(node);
      }
      if (node == null) {
        node = root.isEmpty() ? null : root.first();
      }
      cursor = node;
      if (node == null) {
        return null;
      }
      if (stop == null) {
        stop = node;
      }
      if (!node.server.full()) {
        return node.server;
      }
    } while (node != stop);
    return null;
  }
}
