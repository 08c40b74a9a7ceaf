package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckResult;
import java.time.Duration;
import java.util.function.Consumer;

/** Runs one check attempt. Real: {@link LoopProber}; tests: a scripted one. */
public interface Prober {
  /**
   * Starts one attempt; {@code done} is called exactly once, on the scheduler's thread, by the deadline.
   *
   * @param check what to check
   * @param timeout the hard deadline
   * @param done receives the result
   */
  void probe(Check check, Duration timeout, Consumer<CheckResult> done);
}
