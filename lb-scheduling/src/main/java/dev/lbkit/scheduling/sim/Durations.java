package dev.lbkit.scheduling.sim;

import java.util.Locale;

/** Parses durations such as {@code 250ms}, {@code 1.5s}, {@code 20us} into microseconds. */
final class Durations {
  private Durations() {}

  static long parseMicros(String text, String what) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    double factor;
    String number;
    if (t.endsWith("us")) {
      factor = 1;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("ms")) {
      factor = 1_000;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      factor = 1_000_000;
      number = t.substring(0, t.length() - 1);
    } else {
      throw new IllegalArgumentException(what + " needs a unit (us, ms or s) but was '" + text + "'");
    }
    try {
      double v = Double.parseDouble(number);
      if (v >= 0 && Double.isFinite(v)) {
        return Math.round(v * factor);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(what + " must be a non-negative number with a unit but was '" + text + "'");
  }
}
