package dev.lbkit.api.internal.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

final class QuorumRuleProperties {

  /** The lowering makes a valid rule, never raises a value, keeps what was already valid, and is idempotent. */
  @Property
  void lowered_isValid_neverRaises_andIdempotent(@ForAll @LongRange(min = 1, max = 1000) long quorum,
      @ForAll @LongRange(min = 0, max = 1000) long hysteresis, @ForAll @LongRange(min = 0, max = 1000) long total) {
    QuorumRule r = QuorumRule.lowered(quorum, hysteresis, total);
    assertTrue(r.quorum() <= quorum && r.hysteresis() <= hysteresis, r.toString());
    if (total >= 1) {
      assertTrue(r.quorum() <= total, r.toString());
    }
    if ((total == 0 || quorum <= total) && hysteresis < quorum) {
      assertEquals(new QuorumRule(quorum, hysteresis), r);
    }
    assertEquals(r, QuorumRule.lowered(r.quorum(), r.hysteresis(), total));
  }

  /**
   * Over any walk of live weights: the quorum changes only by crossing the band's edges (lost only below quorum -
   * hysteresis, gained only at quorum + hysteresis), so inside the band it keeps whatever it had; and it always ends
   * held at or above quorum + hysteresis and not held below quorum - hysteresis.
   */
  @Property
  void next_changesOnlyAcrossTheBand(@ForAll @IntRange(min = 1, max = 20) int quorum,
      @ForAll @IntRange(min = 0, max = 19) int hysteresis,
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 45) Integer> weights) {
    QuorumRule r = QuorumRule.lowered(quorum, hysteresis, 0);
    boolean held = r.heldAtStart(weights.isEmpty() ? 0 : weights.get(0));
    for (int w : weights) {
      boolean next = r.next(held, w);
      if (next != held) {
        assertTrue(next ? w >= r.quorum() + r.hysteresis() : w < r.quorum() - r.hysteresis(),
            r + " changed to " + next + " at " + w);
      }
      if (w >= r.quorum() + r.hysteresis()) {
        assertTrue(next, r + " not held at " + w);
      }
      if (w < r.quorum() - r.hysteresis()) {
        assertTrue(!next, r + " held at " + w);
      }
      held = next;
    }
  }
}
