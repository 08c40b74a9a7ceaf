package dev.lbkit.vrrp;

/**
 * keepalived's rise/fall rule for a {@link VrrpScript}, one result at a time. Engine thread only.
 */
final class ScriptCounter {
  /*
   * keepalived keeps one counter per script, 0 .. rise + fall - 1; the object is up while it is at least rise. A pass
   * below rise - 1 counts up by one, otherwise it jumps to the top (rise + fall - 1): up, with fall failures to go.
   * A failure above rise counts down by one (still up), otherwise it drops to 0: down, with rise passes to go. It
   * starts at rise - 1, so the first result alone decides (one pass is up, one failure is down), or at 0 with
   * init_fail.
   */
  private final int rise;
  private final int fall;
  private int result;
  private Boolean up;

  ScriptCounter(VrrpScript script) {
    this.rise = script.rise();
    this.fall = script.fall();
    this.result = script.initFail() ? 0 : rise - 1;
    this.up = script.initFail() ? Boolean.FALSE : null;
  }

  /** The object's state: null before the first result (unless it started down). */
  Boolean up() {
    return up;
  }

  /** Counts one result; true when the object's state changed (or became known). */
  boolean record(boolean passed) {
    if (passed) {
      result = result < rise - 1 ? result + 1 : rise + fall - 1;
    } else {
      result = result > rise ? result - 1 : 0;
    }
    Boolean before = up;
    up = result >= rise;
    return !up.equals(before);
  }
}
