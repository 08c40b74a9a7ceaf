package dev.lbkit.healthcheck;

/**
 * What to check: a network conversation ({@link NetworkCheck}), a program ({@code misc.MiscCheck}) or several
 * checks that must all pass ({@link AllOf} in one attempt, {@link IndependentChecks} each on its own schedule).
 * Implementations are immutable values; the engine creates fresh per-attempt state from them.
 */
public interface Check {
  /** One line for logs and events: {@code "HTTP GET / on 10.0.0.2:80"}. */
  String describe();
}
