package dev.lbkit.api.event;

/** The state of a VRRP instance: RFC 5798's three states plus keepalived's Fault. */
public enum VrrpState {
  /** Starting up, not yet taking part (RFC 5798 Initialize). */
  INITIALIZE,
  /** Watching the Master's advertisements, ready to take over. */
  BACKUP,
  /** Holding the virtual addresses and advertising. */
  MASTER,
  /** A tracked object failed: not taking part until it recovers (keepalived). */
  FAULT
}
