package dev.lbkit.examples;

import dev.lbkit.vrrp.InMemoryVrrpNetwork;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link InMemoryVrrpNetwork} in step with the wall clock on one thread of its own, so routers on it can
 * meet real health checks; everything that touches the network goes through {@link #call}.
 */
final class RealTimeVrrp implements AutoCloseable {
  private final InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "vrrp-network");
    t.setDaemon(true);
    return t;
  });

  RealTimeVrrp(Duration step) {
    thread.scheduleAtFixedRate(() -> {
      try {
        net.advance(step);
      } catch (RuntimeException e) {
        System.err.println("lbkit: the in-memory VRRP network failed: " + e);
      }
    }, step.toNanos(), step.toNanos(), TimeUnit.NANOSECONDS);
  }

  interface NetworkCall<T> {
    T apply(InMemoryVrrpNetwork net) throws Exception;
  }

  /** Runs {@code action} on the network's thread and returns its result. */
  <T> T call(NetworkCall<T> action) throws Exception {
    Callable<T> c = () -> action.apply(net);
    try {
      return thread.submit(c).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
