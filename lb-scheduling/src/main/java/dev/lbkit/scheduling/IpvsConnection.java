package dev.lbkit.scheduling;

import java.util.Optional;

/**
 * One connection an {@link IpvsService} scheduled and bound to a destination, for simulations: it starts
 * {@link State#ACTIVE} (TCP ESTABLISHED; UDP starts and stays {@link State#INACTIVE} unless moved), may move to
 * {@link State#INACTIVE} and back, and ends
 * {@link State#EXPIRED}, which releases its destination's counter as the kernel's {@code ip_vs_unbind_dest} does.
 *
 * <p>Thread-safe: every transition runs under the service lock. Transitions that do not apply (deactivating an
 * inactive connection, anything after expiry) do nothing and return false.
 */
public final class IpvsConnection {
  /** Where a connection is in its life. */
  public enum State {
    /** Counted in {@code activeconns}. */
    ACTIVE,
    /** Counted in {@code inactconns}. */
    INACTIVE,
    /** Ended; counted nowhere. */
    EXPIRED
  }

  private final IpvsService service;
  private final IpvsDestination destination;
  private final PersistenceTemplate template;
  private volatile State state;

  IpvsConnection(IpvsService service, IpvsDestination destination, PersistenceTemplate template, State state) {
    this.service = service;
    this.destination = destination;
    this.template = template;
    this.state = state;
  }

  /** The destination it is bound to (even after that destination was removed from the service). */
  public IpvsDestination destination() {
    return destination;
  }

  /** The current state. */
  public State state() {
    return state;
  }

  /** Whether a persistence template controls this connection. */
  public boolean persistent() {
    return template != null;
  }

  /** The client key of the persistence template that controls it, if any. */
  public Optional<String> persistenceKey() {
    return template == null ? Optional.empty() : Optional.of(template.key().toString());
  }

  /** ACTIVE to INACTIVE (TCP leaves ESTABLISHED): {@code activeconns -= 1, inactconns += 1}. */
  public boolean deactivate() {
    return service.transition(this, State.ACTIVE, State.INACTIVE);
  }

  /** INACTIVE to ACTIVE: the reverse move. */
  public boolean activate() {
    return service.transition(this, State.INACTIVE, State.ACTIVE);
  }

  /** Ends the connection from either state ({@code ip_vs_unbind_dest}); the OVERLOAD flag may clear. */
  public boolean close() {
    return service.transition(this, null, State.EXPIRED);
  }

  PersistenceTemplate template() {
    return template;
  }

  void setState(State s) {
    state = s;
  }

  @Override
  public String toString() {
    return "connection to " + destination + " (" + state + ")";
  }
}
