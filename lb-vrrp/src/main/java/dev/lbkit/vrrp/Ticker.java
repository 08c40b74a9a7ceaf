package dev.lbkit.vrrp;

/**
 * A source of nanosecond time for the VRRP engine. Only differences matter. {@link #system()} is the real one;
 * tests and {@link InMemoryVrrpNetwork} move time by hand.
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds since an arbitrary origin; never decreases. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
