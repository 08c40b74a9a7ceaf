package dev.lbkit.vrrp;

/**
 * Test-only access to an IPsec-AH instance's sequence counter, for the lab's router processes (another package): the
 * counter cannot be set from any configuration, and this class is not shipped.
 */
public final class AhTestHooks {
  private AhTestHooks() {}

  /**
   * Sets the sequence counter of the AH instance {@code instance} on the engine thread, once the router has started
   * (the next advertisement then carries {@code value + 1}).
   */
  public static void setCounter(VrrpRouter router, String instance, long value) {
    router.execute(() -> router.instance(instance).ahCounterForTest(value));
  }
}
