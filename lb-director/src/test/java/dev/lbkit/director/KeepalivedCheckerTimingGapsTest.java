package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The lab comparison's reading of gaps between captured times, which a CI run once got a second wrong. */
final class KeepalivedCheckerTimingGapsTest {
  @Test
  void wholeSeconds_ofADifferenceJustShortOfAWholeNumberInBinary_isThatNumber() {
    double gap = 8.78 - 6.78;
    assertEquals(1, (int) Math.floor(gap), "the floating-point trap this guards against");
    assertEquals(2, KeepalivedCheckerTimingLabIT.wholeSeconds(gap));
  }

  @Test
  void wholeSeconds_cutsTheFraction() {
    assertEquals(2, KeepalivedCheckerTimingLabIT.wholeSeconds(2.999));
    assertEquals(0, KeepalivedCheckerTimingLabIT.wholeSeconds(0.4));
    assertEquals(4, KeepalivedCheckerTimingLabIT.wholeSeconds(4.77));
  }
}
