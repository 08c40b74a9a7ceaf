package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How punctually a {@link HealthChecker} runs its checks: how late scheduled checks started past their due time,
 * since the checker started or {@link HealthChecker#resetStats()} was last called. Quantiles have 100 µs
 * resolution below 10 ms and 1 ms resolution up to 1 s.
 *
 * @param checksStarted scheduled checks started
 * @param latenessP50 median lateness
 * @param latenessP99 99th percentile lateness
 * @param latenessMax largest lateness
 * @param threads event-loop threads
 */
public record CheckerStats(long checksStarted, Duration latenessP50, Duration latenessP99, Duration latenessMax,
    int threads) {
  public CheckerStats {
    requireNonNull(latenessP50, "latenessP50");
    requireNonNull(latenessP99, "latenessP99");
    requireNonNull(latenessMax, "latenessMax");
  }
}
