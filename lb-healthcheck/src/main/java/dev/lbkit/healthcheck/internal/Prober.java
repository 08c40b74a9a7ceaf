package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckResult;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;

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

  /**
   * Hands an attempt's result to its consumer; a consumer that throws is logged on the probe's logger and does not
   * reach the loop.
   */
  static void deliver(Check check, CheckResult result, Consumer<CheckResult> done, Logger log) {
    try {
      done.accept(result);
    } catch (RuntimeException e) {
      log.warn("result consumer of {} threw; continuing", check.describe(), e);
    }
  }
}
