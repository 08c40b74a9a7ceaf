package dev.lbkit.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A real server (IPVS destination) of a virtual service. Immutable; weight 0 means quiesced: it takes no new
 * connections but keeps those it has.
 *
 * <pre>{@code
 * RealServer web1 = RealServer.builder(Endpoint.parse("10.0.0.2:80"))
 *     .weight(3).forwarding(ForwardingMethod.MASQUERADE).upperThreshold(1000).build();
 * }</pre>
 *
 * @param endpoint address and port
 * @param weight 0 to {@link #MAX_WEIGHT}, the kernel's range ({@code ipvsadm -w} itself stops at 65535)
 * @param forwarding how packets reach it
 * @param upperThreshold {@code ipvsadm -x}: at this many connections the server is overloaded; 0 means no limit
 * @param lowerThreshold {@code ipvsadm -y}: below this many it is no longer overloaded; 0 means 3/4 of upper
 * @param tunnel present exactly when forwarding is {@link ForwardingMethod#TUNNEL}
 */
public record RealServer(
    Endpoint endpoint,
    int weight,
    ForwardingMethod forwarding,
    int upperThreshold,
    int lowerThreshold,
    Optional<Tunnel> tunnel) {

  /** The kernel's largest weight ({@code IPVS_DEST_ATTR_WEIGHT} is a signed 32-bit value that must not be negative). */
  public static final int MAX_WEIGHT = Integer.MAX_VALUE;

  public RealServer {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(forwarding, "forwarding");
    requireNonNull(tunnel, "tunnel");
    if (weight < 0) {
      throw new IllegalArgumentException("weight must be in [0, " + MAX_WEIGHT + "] but was " + weight
          + " (real server " + endpoint + ")");
    }
    if (upperThreshold < 0) {
      throw new IllegalArgumentException("upper threshold must not be negative but was " + upperThreshold
          + " (real server " + endpoint + ")");
    }
    if (lowerThreshold < 0) {
      throw new IllegalArgumentException("lower threshold must not be negative but was " + lowerThreshold
          + " (real server " + endpoint + ")");
    }
    // ip_vs_add_dest/ip_vs_edit_dest refuse this with ERANGE, even when the upper threshold is 0
    if (lowerThreshold > upperThreshold) {
      throw new IllegalArgumentException("lower threshold " + lowerThreshold + " must not be above upper threshold "
          + upperThreshold + " (real server " + endpoint + ")");
    }
    if (forwarding == ForwardingMethod.TUNNEL) {
      if (tunnel.isEmpty()) {
        tunnel = Optional.of(Tunnel.IPIP);
      }
    } else if (tunnel.isPresent()) {
      throw new IllegalArgumentException("tunnel settings apply only to tunnel forwarding, but real server "
          + endpoint + " uses " + forwarding);
    }
  }

  /** A builder with ipvsadm's defaults: weight 1, direct routing, no thresholds. */
  public static Builder builder(Endpoint endpoint) {
    return new Builder(endpoint);
  }

  /** A builder holding this server's values. */
  public Builder toBuilder() {
    return new Builder(endpoint).weight(weight).forwarding(forwarding).upperThreshold(upperThreshold)
        .lowerThreshold(lowerThreshold).tunnel(tunnel.orElse(null));
  }

  /** The same server with another weight. */
  public RealServer withWeight(int newWeight) {
    return new RealServer(endpoint, newWeight, forwarding, upperThreshold, lowerThreshold, tunnel);
  }

  /** Collects the fields of a {@link RealServer}; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private final Endpoint endpoint;
    private int weight = 1;
    private ForwardingMethod forwarding = ForwardingMethod.DIRECT_ROUTE;
    private int upperThreshold;
    private int lowerThreshold;
    private Tunnel tunnel;

    private Builder(Endpoint endpoint) {
      this.endpoint = requireNonNull(endpoint, "endpoint");
    }

    public Builder weight(int value) {
      this.weight = value;
      return this;
    }

    public Builder forwarding(ForwardingMethod value) {
      this.forwarding = requireNonNull(value, "forwarding");
      return this;
    }

    public Builder upperThreshold(int value) {
      this.upperThreshold = value;
      return this;
    }

    public Builder lowerThreshold(int value) {
      this.lowerThreshold = value;
      return this;
    }

    /** Sets tunnel forwarding with these settings; {@code null} clears them. */
    public Builder tunnel(Tunnel value) {
      this.tunnel = value;
      if (value != null) {
        this.forwarding = ForwardingMethod.TUNNEL;
      }
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule it breaks
     */
    public RealServer build() {
      return new RealServer(endpoint, weight, forwarding, upperThreshold, lowerThreshold, Optional.ofNullable(tunnel));
    }
  }
}
