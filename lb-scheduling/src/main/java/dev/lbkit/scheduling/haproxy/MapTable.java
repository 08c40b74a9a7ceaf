package dev.lbkit.scheduling.haproxy;

import java.util.List;

/**
 * HAProxy's map-based lookup ({@code lb_map.c}): a table with one slot per unit of effective weight, used by
 * {@code static-rr} (walked in order) and by map-based hashing ({@code hash mod slots}).
 *
 * <p>The table is rebuilt from scratch, lazily, whenever a server's usability or weight changes. For every slot,
 * each usable server of the group in use adds its eweight to a running score; the server whose
 * {@code (score + T) / T} is strictly the largest (first in declaration order on ties) takes the slot and pays
 * {@code T}. That spreads each server's slots evenly and keeps declaration order for equal weights. The
 * round-robin index survives rebuilds and is reset only when it falls outside the table.
 */
final class MapTable {
  private final HaproxyBackend backend;
  private HaproxyServer[] table = new HaproxyServer[0];
  private boolean stale = true;
  private int rrIndex;

  MapTable(HaproxyBackend backend) {
    this.backend = backend;
  }

  void invalidate() {
    stale = true;
  }

  private void rebuild() {
    stale = false;
    int total = (int) backend.totWeight;
    if (backend.totUsed == 0) {
      table = new HaproxyServer[0];
      return;
    }
    boolean backups = backend.srvAct == 0;
    List<HaproxyServer> servers = backend.servers();
    for (HaproxyServer s : servers) {
      s.wscore = 0;
    }
    HaproxyServer[] t = new HaproxyServer[total];
    for (int slot = 0; slot < total; slot++) {
      HaproxyServer best = null;
      long max = 0;
      for (HaproxyServer s : servers) {
        if (s.backup() != backups || !s.usable) {
          continue;
        }
        if (total == 1) {
          best = s;
          break;
        }
        s.wscore += s.eweight;
        long v = (s.wscore + total) / total;
        if (best == null || v > max) {
          max = v;
          best = s;
        }
      }
      t[slot] = best;
      best.wscore -= total;
    }
    table = t;
  }

  /** The server at {@code hash mod slots}, or null when nothing is usable. Full servers are not skipped. */
  HaproxyServer byHash(long hash) {
    if (backend.totWeight == 0) {
      return null;
    }
    if (stale) {
      rebuild();
    }
    return table[(int) ((hash & HashFunction.MASK) % table.length)];
  }

  /** The next slot in round-robin order whose server is not at maxconn, or null. */
  HaproxyServer next() {
    if (backend.totWeight == 0) {
      return null;
    }
    if (stale) {
      rebuild();
    }
    int total = table.length;
    if (rrIndex < 0 || rrIndex >= total) {
      rrIndex = 0;
    }
    int idx = rrIndex;
    do {
      HaproxyServer s = table[idx++];
      if (!s.full()) {
        rrIndex = idx;
        return s;
      }
      if (idx == total) {
        idx = 0;
      }
    } while (idx != rrIndex);
    return null;
  }
}
