package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;
import java.util.List;

/**
 * Literal list scans as the kernel's schedule functions do them (FORMAT.md section 5), used as oracles for the
 * indexed schedulers. Deliberately naive: no shared code with the implementations.
 */
final class ReferenceScans {
  private ReferenceScans() {}

  static IpvsDestination lc(List<IpvsDestination> list) {
    IpvsDestination least = null;
    long loh = 0;
    for (IpvsDestination d : list) {
      if (d.overloaded() || d.weight() == 0) {
        continue;
      }
      long doh = ((long) d.activeConnections() << 8) + d.inactiveConnections();
      if (least == null || doh < loh) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  static IpvsDestination wlc(List<IpvsDestination> list) {
    return weightedScan(list, false);
  }

  static IpvsDestination sed(List<IpvsDestination> list) {
    return weightedScan(list, true);
  }

  private static long oh(IpvsDestination d, boolean sed) {
    return sed ? d.activeConnections() + 1L : ((long) d.activeConnections() << 8) + d.inactiveConnections();
  }

  private static IpvsDestination weightedScan(List<IpvsDestination> list, boolean sed) {
    int i = 0;
    IpvsDestination least = null;
    for (; i < list.size(); i++) {
      IpvsDestination d = list.get(i);
      if (!d.overloaded() && d.weight() > 0) {
        least = d;
        break;
      }
    }
    if (least == null) {
      return null;
    }
    long loh = oh(least, sed);
    for (i++; i < list.size(); i++) {
      IpvsDestination d = list.get(i);
      if (d.overloaded()) {
        continue;
      }
      long doh = oh(d, sed);
      if (loh * d.weight() > doh * least.weight()) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  static IpvsDestination nq(List<IpvsDestination> list) {
    IpvsDestination least = null;
    long loh = 0;
    for (IpvsDestination d : list) {
      if (d.overloaded() || d.weight() == 0) {
        continue;
      }
      long doh = d.activeConnections() + 1L;
      if (d.activeConnections() == 0) {
        return d;
      }
      if (least == null || loh * d.weight() > doh * least.weight()) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  static IpvsDestination fo(List<IpvsDestination> list) {
    IpvsDestination best = null;
    int hw = 0;
    for (IpvsDestination d : list) {
      if (!d.overloaded() && d.weight() > hw) {
        best = d;
        hw = d.weight();
      }
    }
    return best;
  }

  static IpvsDestination ovf(List<IpvsDestination> list) {
    IpvsDestination h = null;
    for (IpvsDestination d : list) {
      int w = d.weight();
      if (d.overloaded() || d.activeConnections() > w || w == 0) {
        continue;
      }
      if (h == null || w > h.weight()) {
        h = d;
      }
    }
    return h;
  }

  /** twos with given random words; returns null without consuming words when nothing is eligible. */
  static IpvsDestination twos(List<IpvsDestination> list, long[] words) {
    long total = 0;
    for (IpvsDestination d : list) {
      if (!d.overloaded() && d.weight() > 0) {
        total += d.weight();
      }
    }
    if (total == 0) {
      return null;
    }
    total += 1;
    int[] next = {0};
    long r1 = below(total, words, next);
    long r2 = below(total, words, next);
    IpvsDestination c1 = null;
    IpvsDestination c2 = null;
    for (IpvsDestination d : list) {
      if (d.overloaded() || d.weight() <= 0) {
        continue;
      }
      r1 -= d.weight();
      r2 -= d.weight();
      if (r1 <= 0 && c1 == null) {
        c1 = d;
      }
      if (r2 <= 0 && c2 == null) {
        c2 = d;
      }
      if (c1 != null && c2 != null) {
        break;
      }
    }
    int o1 = (c1.activeConnections() << 8) + c1.inactiveConnections();
    int o2 = (c2.activeConnections() << 8) + c2.inactiveConnections();
    return c2.weight() * o1 > c1.weight() * o2 ? c2 : c1;
  }

  private static long below(long ceil, long[] words, int[] next) {
    long m = ceil * words[next[0]++];
    if ((m & 0xffffffffL) < ceil) {
      long bound = ((1L << 32) - ceil) % ceil;
      while ((m & 0xffffffffL) < bound) {
        m = ceil * words[next[0]++];
      }
    }
    return m >>> 32;
  }
}
