package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;

/**
 * One entry of the kernel's IPVS connection table, as {@code /proc/net/ip_vs_conn} shows it and {@code ipvsadm -L
 * -c} prints it.
 *
 * @param protocol the kernel's protocol name: {@code TCP}, {@code UDP}, {@code SCTP}, ...
 * @param client the client's address and port
 * @param virtual the virtual service's address and port the client reached
 * @param destination the real server the connection was scheduled to
 * @param state the protocol state in the kernel's words ({@code ESTABLISHED}, {@code TIME_WAIT}, {@code UDP}, ...)
 * @param expiresSeconds whole seconds until the entry expires
 * @param persistenceEngine the persistence engine's name ({@code sip}), empty when the entry has none
 * @param persistenceData the first word of the engine's data (the SIP Call-ID), empty when there is none
 */
public record IpvsConnection(String protocol, Endpoint client, Endpoint virtual, Endpoint destination, String state,
    long expiresSeconds, String persistenceEngine, String persistenceData) {

  public IpvsConnection {
    requireNonNull(protocol, "protocol");
    requireNonNull(client, "client");
    requireNonNull(virtual, "virtual");
    requireNonNull(destination, "destination");
    requireNonNull(state, "state");
    requireNonNull(persistenceEngine, "persistenceEngine");
    requireNonNull(persistenceData, "persistenceData");
    if (expiresSeconds < 0) {
      throw new IllegalArgumentException("expiresSeconds must not be negative: " + expiresSeconds);
    }
  }
}
