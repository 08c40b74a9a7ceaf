package dev.lbkit.scheduling.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
import dev.lbkit.scheduling.internal.WeightTree;
import java.util.random.RandomGenerator;

/**
 * IPVS {@code twos}: power of two choices.
 *
 * <p>Rule ({@code net/netfilter/ipvs/ip_vs_twos.c}): {@code total = 1 + sum of weights} over destinations with no
 * OVERLOAD and weight above 0; none: empty, without drawing randomness. Then {@code r1} and {@code r2} are drawn in
 * {@code [0, total)} with the kernel's {@code get_random_u32_below} (Lemire's multiply-shift: {@code ceil * word >> 32},
 * redrawing while the low half is below {@code (2^32 - ceil) mod ceil}), each from {@code get_random_u32()} words
 * read from the injected {@link RandomGenerator} ({@code nextInt()}, one word each). Walking the eligible destinations
 * in list order and subtracting each weight from both, choice 1 is the first at which {@code r1 <= 0} (so r1 = 0
 * and r1 = 1 both give the first eligible destination) and choice 2 likewise. With their weights {@code w} and
 * overheads {@code o = activeconns * 256 + inactconns}: choice 2 if {@code w2 * o1 > w1 * o2} (32-bit products, as
 * the kernel's {@code int}s), else choice 1.
 *
 * <p>How: no scan. The eligible weights live in a Fenwick tree in list order, so each choice is an O(log n) search,
 * and weights and overheads are mirrored by slot so a pick reads arrays, not destination objects. Picks run under
 * the service lock.
 * Exact while the total weight fits the kernel's 32-bit {@code int}; beyond that the kernel itself overflows.
 */
public final class TwosScheduler extends IpvsScheduler {
  /** The name {@code ipvsadm -s} takes. */
  public static final String NAME = "twos";

  private final RandomGenerator random;
  private final WeightTree tree = new WeightTree();
  private long lastR1 = -1;
  private long lastR2 = -1;
  private int lastWords;

  /** @param random each {@code nextInt()} is one {@code get_random_u32()} word */
  public TwosScheduler(RandomGenerator random) {
    this.random = requireNonNull(random, "random");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected IpvsDestination schedule(Flow flow) {
    long sum = tree.total();
    if (sum == 0) {
      lastR1 = -1;
      lastR2 = -1;
      lastWords = 0;
      return null;
    }
    long ceil = sum + 1;
    lastWords = 0;
    long r1 = below(ceil);
    long r2 = below(ceil);
    lastR1 = r1;
    lastR2 = r2;
    int s1 = tree.slotReaching(Math.max(r1, 1));
    int s2 = tree.slotReaching(Math.max(r2, 1));
    int w1 = tree.weight(s1);
    int w2 = tree.weight(s2);
    int o1 = tree.overhead(s1);
    int o2 = tree.overhead(s2);
    return tree.destination(w2 * o1 > w1 * o2 ? s2 : s1);
  }

  /** {@code __get_random_u32_below(ceil)}. */
  private long below(long ceil) {
    long m = ceil * nextWord();
    if ((m & 0xffffffffL) < ceil) {
      long bound = ((1L << 32) - ceil) % ceil;
      while ((m & 0xffffffffL) < bound) {
        m = ceil * nextWord();
      }
    }
    return m >>> 32;
  }

  private long nextWord() {
    lastWords++;
    return random.nextInt() & 0xffffffffL;
  }

  /** The last pick's draws: {@code r1}, or -1 when none was drawn. For traces and tests. */
  public long lastR1() {
    return lastR1;
  }

  /** The last pick's {@code r2}, or -1 when none was drawn. */
  public long lastR2() {
    return lastR2;
  }

  /** How many random words the last pick used. */
  public int lastWordsUsed() {
    return lastWords;
  }

  private void refile(IpvsDestination d) {
    tree.set(d, d.available() && d.weight() > 0 && !d.overloaded() ? d.weight() : 0);
    tree.setOverhead(d);
  }

  @Override
  protected void added(IpvsDestination d) {
    tree.link(d, list());
    refile(d);
  }

  @Override
  protected void removed(IpvsDestination d, int formerIndex) {
    tree.unlink(d);
  }

  @Override
  protected void edited(IpvsDestination d) {
    refile(d);
  }

  @Override
  protected void countersChanged(IpvsDestination d) {
    if (d.available()) {
      refile(d);
    }
  }
}
