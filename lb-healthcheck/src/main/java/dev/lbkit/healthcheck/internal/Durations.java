package dev.lbkit.healthcheck.internal;

import java.math.BigDecimal;
import java.time.Duration;

/** Formats durations as operators write them: {@code 2s}, {@code 1.5s}, {@code 250ms}. */
public final class Durations {
  private Durations() {}

  /** {@code 2s}, {@code 1.5s}, {@code 250ms}. */
  public static String format(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    BigDecimal seconds = BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros();
    return seconds.toPlainString() + "s";
  }
}
