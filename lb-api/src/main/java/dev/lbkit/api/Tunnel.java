package dev.lbkit.api;

import static java.util.Objects.requireNonNull;

/**
 * How a {@link ForwardingMethod#TUNNEL} real server is reached. Immutable.
 *
 * <p>The checksum mode is the kernel's {@code IP_VS_TUNNEL_ENCAP_FLAG_*}: none, checksum, or remote checksum
 * offload; it applies to GUE and GRE only.
 *
 * @param type encapsulation
 * @param port UDP destination port: 1 to 65535 for GUE, 0 otherwise
 * @param checksum checksum mode
 */
public record Tunnel(TunnelType type, int port, Checksum checksum) {
  /** IP-in-IP without options: what {@code ipvsadm -i} gives. */
  public static final Tunnel IPIP = new Tunnel(TunnelType.IPIP, 0, Checksum.NONE);

  /** The checksum option of a GUE or GRE tunnel ({@code --tun-nocsum}, {@code --tun-csum}, {@code --tun-remcsum}). */
  public enum Checksum {
    NONE(0),
    CHECKSUM(1),
    REMOTE_CHECKSUM(2);

    private final int kernelFlags;

    Checksum(int kernelFlags) {
      this.kernelFlags = kernelFlags;
    }

    /** The value of {@code IPVS_DEST_ATTR_TUN_FLAGS}. */
    public int kernelFlags() {
      return kernelFlags;
    }

    /**
     * The mode for a flags value.
     *
     * @throws IllegalArgumentException if the value is not 0, 1 or 2
     */
    public static Checksum fromKernelFlags(int flags) {
      for (Checksum c : values()) {
        if (c.kernelFlags == flags) {
          return c;
        }
      }
      throw new IllegalArgumentException("tunnel flags must be 0, 1 (csum) or 2 (remcsum) but was " + flags);
    }
  }

  public Tunnel {
    requireNonNull(type, "type");
    requireNonNull(checksum, "checksum");
    if (type == TunnelType.GUE) {
      if (port < 1 || port > Endpoint.MAX_PORT) {
        throw new IllegalArgumentException("a gue tunnel needs a port in [1, 65535] but was " + port);
      }
    } else if (port != 0) {
      throw new IllegalArgumentException("tunnel port applies only to gue, but " + type.ipvsadmName()
          + " was given port " + port);
    }
    if (type == TunnelType.IPIP && checksum != Checksum.NONE) {
      throw new IllegalArgumentException("tunnel checksum applies only to gue and gre, not ipip (was " + checksum + ")");
    }
  }

  /** A GUE tunnel to this UDP port. */
  public static Tunnel gue(int port, Checksum checksum) {
    return new Tunnel(TunnelType.GUE, port, checksum);
  }

  /** A GRE tunnel. */
  public static Tunnel gre(Checksum checksum) {
    return new Tunnel(TunnelType.GRE, 0, checksum);
  }
}
