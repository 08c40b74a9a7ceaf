package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.util.ArrayDeque;
import java.util.Deque;

/** HAProxy {@code balance roundrobin}: dynamic, smoothly interleaved weighted round robin. */
public final class RoundrobinScheduler extends HaproxyScheduler {
  /** The algorithm's name in {@code balance}. */
  public static final String NAME = "roundrobin";

  /*
   * HAProxy's "fast weighted round robin" (lb_fwrr.c), re-expressed. Each group (active, backup) walks a virtual
   * position curr_pos through a window of curr_weight = sum of effective weights. Every server has a next position
   * npos; a pick takes the server with the smallest npos that is not ahead of curr_pos, advances its npos by
   * next_weight / eweight (carrying the remainder in rweight, so a server of eweight E is picked E times per
   * window) and moves curr_pos by one. Servers whose npos falls past the window wait in "next"; servers not yet
   * started wait in "init", heaviest first, and enter when the current set has a hole. When the window is used up
   * "init" and "next" swap and a new window starts. Weight changes adjust next_weight at once and re-place the
   * server without restarting the window, which is what makes the algorithm dynamic.
   *
   * Invariants: a usable server is in exactly one of curr, init, next; ordered sets break ties by insertion order.
   * Source of truth: HAProxy 2.6 src/lb_fwrr.c and the configuration manual (balance roundrobin).
   */
  private static final long EWEIGHT_MAX = 4096; // SRV_EWGHT_MAX
  private static final long UWEIGHT_RANGE = 256; // SRV_UWGHT_RANGE

  private static final class Group {
    long currPos;
    long currWeight;
    long nextWeight;
    final ServerHeap curr = new ServerHeap();
    ServerHeap init = new ServerHeap();
    ServerHeap next = new ServerHeap();
  }

  private final Group active = new Group();
  private final Group backup = new Group();
  private long seq;

  RoundrobinScheduler(HaproxyBackend backend) {
    super(backend);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  void init() {
    active.currPos = active.currWeight = active.nextWeight = backend.totWact;
    backup.currPos = backup.currWeight = backup.nextWeight = backend.totWbck;
    for (HaproxyServer s : backend.servers()) {
      if (s.usable) {
        queueByWeight(group(s).init, s);
      }
    }
  }

  private Group group(HaproxyServer s) {
    return s.backup() ? backup : active;
  }

  private void insert(ServerHeap tree, HaproxyServer s, long key) {
    s.treeKey = key;
    s.treeSeq = seq++;
    tree.add(s);
  }

  private static void dequeue(HaproxyServer s) {
    if (s.heap != null) {
      s.heap.remove(s);
    }
  }

  private void queueByWeight(ServerHeap tree, HaproxyServer s) {
    insert(tree, s, EWEIGHT_MAX - s.eweight);
  }

  /** Places a server by its next position: in the current window, or in "next" if beyond it. */
  private void queue(Group g, HaproxyServer s) {
    if (s.npos >= 2 * g.currWeight || s.npos >= g.currWeight + g.nextWeight) {
      s.npos -= g.currWeight;
      queueByWeight(g.next, s);
    } else {
      insert(g.curr, s, UWEIGHT_RANGE * s.npos + (EWEIGHT_MAX + s.rweight - s.eweight) / HaproxyBackend.WEIGHT_SCALE);
    }
  }

  private HaproxyServer fromGroup(Group g) {
    HaproxyServer s1 = g.curr.first();
    if (s1 != null && s1.eweight > 0 && s1.npos <= g.currPos) {
      return s1;
    }
    HaproxyServer s2 = g.init.first();
    if (s2 != null && s2.eweight > 0) {
      s2.npos = 0;
      s2.rweight = 0;
      return s2;
    }
    return s1;
  }

  private static void updatePosition(Group g, HaproxyServer s) {
    if (s.npos == 0) {
      s.npos = g.currPos;
    }
    s.lpos = s.npos;
    s.npos += g.nextWeight / s.eweight;
    s.rweight += g.nextWeight % s.eweight;
    if (s.rweight >= s.eweight) {
      s.rweight -= s.eweight;
      s.npos++;
    }
  }

  @Override
  HaproxyServer select(Request request, byte[] body) {
    Group g;
    if (backend.srvAct > 0) {
      g = active;
    } else if (backend.fbck != null) {
      return backend.fbck;
    } else if (backend.srvBck > 0) {
      g = backup;
    } else {
      return null;
    }
    boolean switched = false;
    Deque<HaproxyServer> full = null;
    HaproxyServer srv;
    while (true) {
      if (g.currWeight == 0) {
        g.currPos = g.currWeight = g.nextWeight;
      }
      while (true) {
        srv = fromGroup(g);
        if (srv != null) {
          break;
        }
        if (switched) {
          break;
        }
        switched = true;
        ServerHeap t = g.init;
        g.init = g.next;
        g.next = t;
        g.currWeight = g.nextWeight;
        g.currPos = g.currWeight;
      }
      if (srv == null) {
        break;
      }
      updatePosition(g, srv);
      dequeue(srv);
      g.currPos++;
      if (!srv.full()) {
        queue(g, srv);
        break;
      }
      if (full == null) {
        full = new ArrayDeque<>();
      }
      full.push(srv);
    }
    if (full != null) {
      for (HaproxyServer s : full) { // most recently set aside first
        if (switched) {
          queueByWeight(g.init, s);
        } else {
          queue(g, s);
        }
      }
    }
    return srv;
  }

  @Override
  void serverChanged(HaproxyServer s, boolean wasUsable, int oldEweight) {
    Group g = group(s);
    if (wasUsable && !s.usable) {
      g.nextWeight -= oldEweight;
      dequeue(s);
    } else if (!wasUsable && s.usable) {
      g.nextWeight += s.eweight;
      s.npos = g.currPos + (g.nextWeight + g.currWeight - g.currPos) / s.eweight;
      queue(g, s);
    } else if (s.usable) {
      g.nextWeight += s.eweight - oldEweight;
      if (s.heap == g.init) {
        dequeue(s);
        queueByWeight(g.init, s);
      } else {
        if (s.heap == g.next) {
          s.npos += g.currWeight;
        }
        long step = g.nextWeight / s.eweight;
        long previous = s.npos;
        s.npos = Math.min(s.lpos + step, previous);
        s.rweight = 0;
        if (s.npos < g.currPos + 2) {
          s.npos = g.currPos + step;
        }
        dequeue(s);
        queue(g, s);
      }
    }
  }
}
