package dev.lbkit.vrrp.spi;

import dev.lbkit.vrrp.VrrpScript;

/**
 * Runs tracked scripts for a router. The router decides when (on its ticker) and counts rise/fall; a runner only runs
 * a script once and reports whether it passed. The default runs the program as a process on a thread of its own;
 * {@link dev.lbkit.vrrp.InMemoryVrrpNetwork} answers from results a test sets.
 */
@FunctionalInterface
public interface ScriptRunner {
  /**
   * Runs the script once and reports the result through {@code done}, exactly once, from any thread, possibly before
   * this method returns. Must not make the caller (the engine thread) wait for the script.
   */
  void run(VrrpScript script, Done done);

  /** Receives a script's result. Thread-safe. */
  @FunctionalInterface
  interface Done {
    /** The script passed (exited 0 within its timeout) or not. */
    void finished(boolean passed);
  }
}
