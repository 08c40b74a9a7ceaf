package dev.lbkit.api.internal.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

final class QuorumRuleTest {

  @Test
  void lowered_asKeepalivedsConfigurationCheck() {
    assertEquals(new QuorumRule(3, 1), QuorumRule.lowered(3, 1, 10)); // reachable: unchanged
    assertEquals(new QuorumRule(2, 1), QuorumRule.lowered(5, 1, 2)); // above the total weight 2: lowered to it
    assertEquals(new QuorumRule(2, 1), QuorumRule.lowered(5, 4, 2)); // then the hysteresis to quorum - 1
    assertEquals(new QuorumRule(3, 2), QuorumRule.lowered(3, 3, 10)); // a hysteresis at the quorum is lowered too
    assertEquals(new QuorumRule(4, 0), QuorumRule.lowered(4, 0, 0)); // no weight at all: nothing to lower to
  }

  @Test
  void start_withTheQuorumOnlyAtQuorumPlusHysteresis() {
    QuorumRule r = new QuorumRule(4, 1);
    assertFalse(r.heldAtStart(4)); // at the quorum but inside the band: keepalived starts without it
    assertTrue(r.heldAtStart(5));
  }

  @Test
  void announcedAtStart_upWhenHeld_downOnlyWithASorryServer() {
    assertEquals(Optional.of(true), QuorumRule.announcedAtStart(true, false));
    assertEquals(Optional.of(true), QuorumRule.announcedAtStart(true, true));
    assertEquals(Optional.of(false), QuorumRule.announcedAtStart(false, true));
    assertEquals(Optional.empty(), QuorumRule.announcedAtStart(false, false));
  }

  @Test
  void next_losesBelowQuorumMinusHysteresis_regainsAtQuorumPlusHysteresis() {
    QuorumRule r = new QuorumRule(4, 1);
    assertTrue(r.next(true, 3));
    assertFalse(r.next(true, 2));
    assertFalse(r.next(false, 4));
    assertTrue(r.next(false, 5));
  }

  @Test
  void invalidRules_areRefusedWithTheirValues() {
    assertEquals("quorum must be at least 1 but was 0",
        assertThrows(IllegalArgumentException.class, () -> new QuorumRule(0, 0)).getMessage());
    assertEquals("hysteresis must be in [0, quorum 2) but was 2",
        assertThrows(IllegalArgumentException.class, () -> new QuorumRule(2, 2)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> QuorumRule.lowered(1, -1, 3));
    assertThrows(IllegalArgumentException.class, () -> QuorumRule.lowered(1, 0, -3));
  }
}
