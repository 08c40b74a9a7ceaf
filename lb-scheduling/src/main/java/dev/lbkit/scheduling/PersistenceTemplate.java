package dev.lbkit.scheduling;

/**
 * A persistence template ({@code IP_VS_CONN_F_TEMPLATE}): one client network's binding to a destination. Guarded by
 * the service lock.
 */
final class PersistenceTemplate {
  /** The client key: masked source address plus the virtual service part (firewall mark or protocol/VIP/port). */
  record Key(String service, String clientNetwork) {
    @Override
    public String toString() {
      return clientNetwork + " -> " + service;
    }
  }

  private final Key key;
  private final IpvsDestination destination;
  /** Connections it controls ({@code n_control}); it cannot expire while this is above 0. */
  int controlled;
  /** Its timeout; the kernel sets it to 60 s when it had to delay expiry ({@code expire_later}). */
  long timeoutMillis;
  /** When its timer is due. */
  long dueMillis;
  boolean expired;

  PersistenceTemplate(Key key, IpvsDestination destination, long timeoutMillis, long now) {
    this.key = key;
    this.destination = destination;
    this.timeoutMillis = timeoutMillis;
    this.dueMillis = now + timeoutMillis;
  }

  Key key() {
    return key;
  }

  IpvsDestination destination() {
    return destination;
  }
}
