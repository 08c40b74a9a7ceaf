package dev.lbkit.healthcheck.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How late scheduled checks start, as a histogram: 100 µs buckets up to 10 ms, 1 ms buckets up to 1 s, then one
 * overflow bucket. Quantiles are bucket upper bounds. Writers are loop threads; readers any thread.
 */
public final class LatenessHistogram {
  private static final int FINE = 100; // 100 us each, 0..10 ms
  private static final int COARSE = 990; // 1 ms each, 10 ms..1 s
  private final AtomicLongArray buckets = new AtomicLongArray(FINE + COARSE + 1);
  private final AtomicLong max = new AtomicLong();

  /** Records one lateness in nanoseconds (negative counts as 0). */
  public void record(long nanos) {
    long n = Math.max(0, nanos);
    long us = n / 1000;
    int i;
    if (us < 10_000) {
      i = (int) (us / 100);
    } else if (us < 1_000_000) {
      i = FINE + (int) ((us - 10_000) / 1000);
    } else {
      i = FINE + COARSE;
    }
    buckets.incrementAndGet(i);
    if (n > max.get()) { // a plain read first: most records are not a new maximum, and need no CAS
      max.accumulateAndGet(n, Math::max);
    }
  }

  /** Recorded values. */
  public long count() {
    long c = 0;
    for (int i = 0; i < buckets.length(); i++) {
      c += buckets.get(i);
    }
    return c;
  }

  /** The upper bound of the bucket holding quantile {@code q} (0 to 1); zero when empty. */
  public Duration quantile(double q) {
    long total = count();
    if (total == 0) {
      return Duration.ZERO;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < buckets.length(); i++) {
      seen += buckets.get(i);
      if (seen >= rank && seen > 0) {
        if (i < FINE) {
          return Duration.ofNanos((i + 1) * 100_000L);
        }
        if (i < FINE + COARSE) {
          return Duration.ofNanos(10_000_000L + (i - FINE + 1) * 1_000_000L);
        }
        return max();
      }
    }
    return max();
  }

  /** The largest value recorded. */
  public Duration max() {
    return Duration.ofNanos(max.get());
  }

  /** Forgets everything. */
  public void reset() {
    for (int i = 0; i < buckets.length(); i++) {
      buckets.set(i, 0);
    }
    max.set(0);
  }
}
