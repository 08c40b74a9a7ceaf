package dev.lbkit.scheduling.haproxy;

/** The administrative state of a HAProxy server, as the runtime API's {@code set server ... state} sets it. */
public enum ServerState {
  /** Up and taking part in balancing. */
  READY,
  /** Up but taking no new requests ({@code drain}). */
  DRAIN,
  /** Out of service ({@code maint}). */
  MAINT
}
