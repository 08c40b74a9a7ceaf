package dev.lbkit.scheduling.sim;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;

/**
 * A destination of a simulation: a name, its starting weight and how many requests it works on at once.
 * Immutable.
 *
 * @param name unique name, e.g. {@code s1}
 * @param weight starting weight, 0 to 256
 * @param workers parallel workers; a request waits for the first free one
 */
public record SimDestination(String name, int weight, int workers) {
  public SimDestination {
    requireNonNull(name, "name");
    if (name.isEmpty() || name.contains("/") || name.contains(" ")) {
      throw new IllegalArgumentException("destination name must be non-empty without '/' or spaces but was '" + name
          + "'");
    }
    if (weight < 0 || weight > 256) {
      throw new IllegalArgumentException("weight must be in [0, 256] but was " + weight + " (destination " + name
          + ")");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1 but was " + workers + " (destination " + name
          + ")");
    }
  }

  /** Its endpoint in simulations: {@code 10.1.0.<i+1>:80} for position {@code i}. */
  static Endpoint endpoint(int index) {
    return Endpoint.parse("10.1." + (index / 250) + "." + (1 + index % 250) + ":80");
  }

  /**
   * Parses {@code name=weight} or {@code name=weight/workers}.
   *
   * @throws IllegalArgumentException naming the text
   */
  public static SimDestination parse(String text, int defaultWorkers) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("destination '" + text + "' must look like NAME=WEIGHT[/WORKERS]");
    }
    String rest = text.substring(eq + 1);
    int slash = rest.indexOf('/');
    try {
      int weight = Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
      int workers = slash < 0 ? defaultWorkers : Integer.parseInt(rest.substring(slash + 1));
      return new SimDestination(text.substring(0, eq), weight, workers);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("destination '" + text + "' must look like NAME=WEIGHT[/WORKERS]", e);
    }
  }
}
