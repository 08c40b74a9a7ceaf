package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class LatenessHistogramTest {
  @Test
  void quantiles_areBucketUpperBounds() {
    LatenessHistogram h = new LatenessHistogram();
    assertEquals(Duration.ZERO, h.quantile(0.5));
    for (int i = 0; i < 98; i++) {
      h.record(250_000); // 0.25 ms -> bucket 0.2-0.3 ms
    }
    h.record(25_500_000); // 25.5 ms -> bucket 25-26 ms
    h.record(3_000_000_000L); // 3 s -> overflow
    assertEquals(100, h.count());
    assertEquals(Duration.ofNanos(300_000), h.quantile(0.5));
    assertEquals(Duration.ofMillis(26), h.quantile(0.99));
    assertEquals(Duration.ofSeconds(3), h.quantile(1.0));
    assertEquals(Duration.ofSeconds(3), h.max());
    h.record(-5);
    assertEquals(101, h.count());
    h.reset();
    assertEquals(0, h.count());
  }
}
