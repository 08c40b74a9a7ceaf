package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
import dev.lbkit.scheduling.internal.KernelHash;
import dev.lbkit.scheduling.internal.WeightSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IPVS {@code wrr}: weighted round robin.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_wrr.c}): the state is a list position {@code cl} (head or a
 * destination), the current weight {@code cw}, {@code di} = gcd of the positive weights (1 when none) and
 * {@code mw} = max weight - (di - 1). A pick walks on from {@code cl} and returns the first destination without
 * OVERLOAD whose weight is at least {@code cw}; each time the walk passes the list head {@code cw} drops by
 * {@code di}, and when it reaches 0 or below it restarts at {@code mw}. A walk never goes round twice: having
 * restarted once it stops at its starting destination on the last pass ({@code cw <= di}) and returns nothing,
 * and from the head it returns nothing after one full restart. {@code mw == 0} (no positive weight) returns nothing
 * at once. Weight 0 is never picked because {@code cw >= 1}.
 *
 * <p>Every add, remove and edit (even of thresholds only) resets {@code cl} to the head and recomputes
 * {@code di, mw}; {@code cw} becomes {@code mw} if it was 0 or above {@code mw}, or is re-aligned to
 * {@code (cw / di) * di + 1} when {@code di > 1}. Because destinations are added to an existing service, {@code cw}
 * is usually 1 after set-up and the first round visits every positive weight once, exactly as the kernel does.
 *
 * <p>Cost: amortised O(1) per pick for similar weights, scanning a dense weight array; picks take no lock.
 */
public final class WrrScheduler extends IpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "wrr";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public WrrScheduler() {}

  // written under the service lock by list changes, read and written by lock-free picks (see lockFreePicks)
  private volatile WeightSnapshot snap = new WeightSnapshot(new IpvsDestination[0]);
  private int clIndex = -1;
  private int cw;
  private int mw;
  private int di = 1;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected void init() {
    clIndex = -1;
    recompute();
    cw = mw;
  }

  private void recompute() {
    int g = 0;
    int max = 0;
    for (IpvsDestination d : list()) {
      int w = d.weight();
      if (w > 0) {
        g = KernelHash.gcd(w, g);
      }
      max = Math.max(max, w);
    }
    di = g == 0 ? 1 : g;
    mw = max - (di - 1);
  }

  private void reset() {
    snap = new WeightSnapshot(list());
    clIndex = -1;
    recompute();
    if (cw > mw || cw == 0) {
      cw = mw;
    } else if (di > 1) {
      cw = (cw / di) * di + 1;
    }
  }

  /**
   * Picks without the service lock: the state is read into locals, the walk runs on them and on one snapshot, and
   * the result is written back. Threads racing here may interleave their write-backs (the kernel serialises them
   * with a spinlock), which can repeat or skip a turn but never returns an ineligible destination of the snapshot; a
   * single thread, and every trace, sees the kernel's exact sequence.
   */
  @Override
  protected boolean lockFreePicks() {
    return true;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    WeightSnapshot s = snap;
    int mw = this.mw;
    int di = this.di;
    if (mw == 0) {
      return null;
    }
    int[] w = s.weights;
    int n = w.length;
    int cl = clIndex;
    if (cl >= n) {
      cl = -1;
    }
    int cw = this.cw;
    int last = cl;
    int stop = Integer.MIN_VALUE;
    boolean lastPass = false;
    boolean restarted = false;
    int pos = cl;
    IpvsDestination result = null;
    walk:
    while (true) {
      for (int i = pos + 1; i < n; i++) {
        if (w[i] >= cw) {
          cl = i;
          result = s.list[i];
          break walk;
        }
        if (i == stop) {
          cl = i;
          break walk;
        }
      }
      pos = -1;
      cw -= di;
      if (cw <= 0) {
        cw = mw;
        if (lastPass || last < 0) {
          cl = -1;
          break;
        }
        restarted = true;
      }
      lastPass = cw <= di;
      if (lastPass && restarted && last >= 0) {
        stop = last;
      }
    }
    this.cw = cw;
    this.clIndex = cl;
    return result;
  }

  @Override
  protected void added(IpvsDestination d) {
    reset();
  }

  @Override
  protected void removed(IpvsDestination d, int formerIndex) {
    reset();
  }

  @Override
  protected void edited(IpvsDestination d) {
    reset();
  }

  @Override
  protected void countersChanged(IpvsDestination d) {
    snap.update(d);
  }

  @Override
  public Map<String, Object> state() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cl", clIndex < 0 ? "HEAD" : list()[clIndex].name());
    m.put("cw", (long) cw);
    m.put("mw", (long) mw);
    m.put("di", (long) di);
    return m;
  }
}
