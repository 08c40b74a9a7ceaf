package dev.lbkit.scheduling.ipvs;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
import dev.lbkit.scheduling.internal.KernelHash;
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
 * <p>Cost: amortised O(1) per pick for similar weights; picks run under the service lock.
 */
public final class WrrScheduler extends IpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "wrr";

  /** A scheduler for one {@link dev.lbkit.scheduling.IpvsService}; services create their own. */
  public WrrScheduler() {}

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
    clIndex = -1;
    recompute();
    if (cw > mw || cw == 0) {
      cw = mw;
    } else if (di > 1) {
      cw = (cw / di) * di + 1;
    }
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    if (mw == 0) {
      return null;
    }
    IpvsDestination[] list = list();
    int n = list.length;
    int last = clIndex;
    int stop = Integer.MIN_VALUE;
    boolean lastPass = false;
    boolean restarted = false;
    int pos = clIndex;
    while (true) {
      for (int i = pos + 1; i < n; i++) {
        IpvsDestination d = list[i];
        if (!d.overloaded() && d.weight() >= cw) {
          clIndex = i;
          return d;
        }
        if (i == stop) {
          clIndex = i;
          return null;
        }
      }
      pos = -1;
      cw -= di;
      if (cw <= 0) {
        cw = mw;
        if (lastPass || last < 0) {
          clIndex = -1;
          return null;
        }
        restarted = true;
      }
      lastPass = cw <= di;
      if (lastPass && restarted && last >= 0) {
        stop = last;
      }
    }
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
  public Map<String, Object> state() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cl", clIndex < 0 ? "HEAD" : list()[clIndex].name());
    m.put("cw", (long) cw);
    m.put("mw", (long) mw);
    m.put("di", (long) di);
    return m;
  }
}
