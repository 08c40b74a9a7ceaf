package dev.lbkit.healthcheck;

/**
 * Answers check attempts when a {@link HealthChecker} runs on a {@link ManualClock}: no socket is opened and no
 * program started; each attempt's result is whatever this returns, delivered at the instant the attempt starts.
 * A responder is how a test says "web1 stops answering now".
 */
@FunctionalInterface
public interface CheckResponder {
  /**
   * The result of one attempt of {@code check}.
   *
   * @param check the check of the target being checked (the very object given in its {@link Target}), or of
   *     {@link HealthChecker#checkOnce}
   * @return the result; null is reported as a {@link DownReason#CHECK_ERROR}
   */
  CheckResult respond(Check check);
}
