package dev.lbkit.api;

/** How IPVS forwards packets to a real server: the {@code IP_VS_CONN_F_FWD_MASK} values of uapi ip_vs.h. */
public enum ForwardingMethod {
  /** NAT ({@code ipvsadm -m}); {@code IP_VS_CONN_F_MASQ}. */
  MASQUERADE(0, "Masq"),
  /** The director itself ({@code IP_VS_CONN_F_LOCALNODE}); chosen by IPVS when the server is a local address. */
  LOCAL(1, "Local"),
  /** IP-in-IP, GUE or GRE tunnel ({@code ipvsadm -i}); {@code IP_VS_CONN_F_TUNNEL}. */
  TUNNEL(2, "Tunnel"),
  /** Direct routing ({@code ipvsadm -g}, the default); {@code IP_VS_CONN_F_DROUTE}. */
  DIRECT_ROUTE(3, "Route"),
  /** Cache bypass ({@code IP_VS_CONN_F_BYPASS}). */
  BYPASS(4, "Bypass");

  private final int kernelValue;
  private final String ipvsadmName;

  ForwardingMethod(int kernelValue, String ipvsadmName) {
    this.kernelValue = kernelValue;
    this.ipvsadmName = ipvsadmName;
  }

  /** The value of the forwarding bits in {@code IPVS_DEST_ATTR_FWD_METHOD}. */
  public int kernelValue() {
    return kernelValue;
  }

  /** The word {@code ipvsadm -L} prints in its Forward column. */
  public String ipvsadmName() {
    return ipvsadmName;
  }

  /**
   * The method for the forwarding bits of a kernel value.
   *
   * @throws IllegalArgumentException if the bits are not 0 to 4
   */
  public static ForwardingMethod fromKernelValue(int value) {
    int bits = value & 0x7;
    for (ForwardingMethod m : values()) {
      if (m.kernelValue == bits) {
        return m;
      }
    }
    throw new IllegalArgumentException("forwarding method must be 0 to 4 but was " + value);
  }
}
