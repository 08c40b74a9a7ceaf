package dev.lbkit.api;

import java.util.Locale;

/** Encapsulation of a tunnelled real server: {@code IP_VS_CONN_F_TUNNEL_TYPE_*} of uapi ip_vs.h. */
public enum TunnelType {
  /** IP-in-IP, the default; it has no port. */
  IPIP(0),
  /** Generic UDP Encapsulation; needs a UDP port. */
  GUE(1),
  /** GRE. */
  GRE(2);

  private final int kernelValue;

  TunnelType(int kernelValue) {
    this.kernelValue = kernelValue;
  }

  /** The value of {@code IPVS_DEST_ATTR_TUN_TYPE}. */
  public int kernelValue() {
    return kernelValue;
  }

  /** ipvsadm's name: {@code ipip}, {@code gue} or {@code gre}. */
  public String ipvsadmName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The type with this kernel value.
   *
   * @throws IllegalArgumentException if it is not 0, 1 or 2
   */
  public static TunnelType fromKernelValue(int value) {
    for (TunnelType t : values()) {
      if (t.kernelValue == value) {
        return t;
      }
    }
    throw new IllegalArgumentException("tunnel type must be 0 (ipip), 1 (gue) or 2 (gre) but was " + value);
  }

  /**
   * Parses {@code ipip}, {@code gue} or {@code gre}.
   *
   * @throws IllegalArgumentException naming the value otherwise
   */
  public static TunnelType parse(String name) {
    for (TunnelType t : values()) {
      if (t.ipvsadmName().equals(name.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException("tunnel type must be ipip, gue or gre but was '" + name + "'");
  }
}
