package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for results with a generous bound; the bound is a hang guard, never a speed assertion. */
public final class Await {
  public static final Duration HANG_GUARD = Duration.ofSeconds(20);

  private Await() {}

  public static <T> T result(CompletableFuture<T> f) {
    try {
      return f.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (TimeoutException e) {
      return fail("no result within " + HANG_GUARD);
    }
  }

  /** Asserts a Down with this reason and returns it. */
  public static CheckResult.Down down(CheckResult r, DownReason reason) {
    if (!(r instanceof CheckResult.Down) || ((CheckResult.Down) r).reason() != reason) {
      fail("expected down (" + reason + ") but was " + r);
    }
    return (CheckResult.Down) r;
  }

  /** Asserts Up and returns it. */
  public static CheckResult.Up up(CheckResult r) {
    if (!(r instanceof CheckResult.Up)) {
      fail("expected up but was " + r);
    }
    return (CheckResult.Up) r;
  }
}
