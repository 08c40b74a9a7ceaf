package dev.lbkit.scheduling.sim;

import static java.util.Objects.requireNonNull;

/**
 * A change to one destination during a simulation: it fails, recovers, or gets a new weight. Immutable.
 *
 * @param timeMicros when, in microseconds from the start
 * @param destination the destination's name
 * @param kind what happens
 * @param weight the new weight for {@link Kind#WEIGHT}, else 0
 */
public record Change(long timeMicros, String destination, Kind kind, int weight) {
  /** What a change does. */
  public enum Kind {
    /** The destination goes down: no new connections (open ones finish). */
    FAIL,
    /** The destination comes back. */
    RECOVER,
    /** The destination's weight changes. */
    WEIGHT
  }

  public Change {
    requireNonNull(destination, "destination");
    requireNonNull(kind, "kind");
    if (timeMicros < 0) {
      throw new IllegalArgumentException("change time must not be negative but was " + timeMicros + " us");
    }
    if (weight < 0 || (kind != Kind.WEIGHT && weight != 0)) {
      throw new IllegalArgumentException("weight " + weight + " is not valid for a " + kind + " change");
    }
  }

  /** Parses {@code NAME@TIME} (fail, recover) or {@code NAME=W@TIME} (weight); TIME like {@code 30s} or {@code 500ms}. */
  public static Change parse(Kind kind, String text) {
    int at = text.lastIndexOf('@');
    if (at <= 0) {
      throw new IllegalArgumentException("change '" + text + "' must look like NAME@TIME"
          + (kind == Kind.WEIGHT ? " with NAME=WEIGHT" : "") + ", e.g. s2@30s");
    }
    long time = Durations.parseMicros(text.substring(at + 1), "time of change '" + text + "'");
    String name = text.substring(0, at);
    if (kind != Kind.WEIGHT) {
      return new Change(time, name, kind, 0);
    }
    int eq = name.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("weight change '" + text + "' must look like NAME=WEIGHT@TIME");
    }
    int w;
    try {
      w = Integer.parseInt(name.substring(eq + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("weight in '" + text + "' must be an integer", e);
    }
    return new Change(time, name.substring(0, eq), Kind.WEIGHT, w);
  }
}
