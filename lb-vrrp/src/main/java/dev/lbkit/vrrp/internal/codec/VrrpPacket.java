package dev.lbkit.vrrp.internal.codec;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A VRRP advertisement, version 2 (RFC 3768) or 3 (RFC 5798), without its checksum (the codec computes and checks
 * it). Immutable.
 *
 * @param version 2 or 3
 * @param vrid virtual router id, 1 to 255
 * @param priority 0 (resigning) to 255 (address owner)
 * @param advertInterval v2: whole seconds 1..255; v3: centiseconds 1..4095
 * @param authType v2 only: 0 none, 1 simple text password, 2 IP authentication header; 0 for v3
 * @param authData v2 only: the 8 authentication bytes; empty for v3
 * @param addresses the virtual addresses, all of one family, at least one
 */
public record VrrpPacket(int version, int vrid, int priority, Duration advertInterval, int authType, byte[] authData,
    List<InetAddress> addresses) {

  /** VRRP's only packet type. */
  public static final int TYPE_ADVERTISEMENT = 1;
  /** RFC 3768 5.3.6: no authentication. */
  public static final int AUTH_NONE = 0;
  /** RFC 3768 5.3.6: simple text password (the RFC 2338 form keepalived still speaks). */
  public static final int AUTH_PASS = 1;
  /** RFC 2338: IP Authentication Header. */
  public static final int AUTH_AH = 2;
  /** Size of the v2 authentication data. */
  public static final int AUTH_DATA_LENGTH = 8;

  public VrrpPacket {
    if (version != 2 && version != 3) {
      throw new IllegalArgumentException("version must be 2 or 3 but was " + version);
    }
    if (vrid < 1 || vrid > 255) {
      throw new IllegalArgumentException("vrid must be in [1, 255] but was " + vrid);
    }
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("priority must be in [0, 255] but was " + priority);
    }
    requireNonNull(advertInterval, "advertInterval");
    if (version == 2) {
      if (advertInterval.toNanos() % 1_000_000_000L != 0 || advertInterval.getSeconds() < 1
          || advertInterval.getSeconds() > 255) {
        throw new IllegalArgumentException("VRRPv2 advertisement interval must be whole seconds in [1, 255] but was "
            + advertInterval);
      }
      if (authType < 0 || authType > 255) {
        throw new IllegalArgumentException("auth type must be in [0, 255] but was " + authType);
      }
      requireNonNull(authData, "authData");
      if (authData.length != AUTH_DATA_LENGTH) {
        throw new IllegalArgumentException("VRRPv2 auth data must be 8 bytes but was " + authData.length);
      }
    } else {
      if (advertInterval.toNanos() % 10_000_000L != 0 || advertInterval.toMillis() < 10
          || advertInterval.toMillis() > 40_950) {
        throw new IllegalArgumentException(
            "VRRPv3 advertisement interval must be whole centiseconds in [0.01 s, 40.95 s] but was " + advertInterval);
      }
      if (authType != 0) {
        throw new IllegalArgumentException("VRRPv3 has no authentication but auth type was " + authType);
      }
      authData = new byte[0];
    }
    authData = authData.clone();
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty() || addresses.size() > 255) {
      throw new IllegalArgumentException("address count must be in [1, 255] but was " + addresses.size());
    }
    AddressFamily family = AddressFamily.of(addresses.get(0));
    for (InetAddress a : addresses) {
      if (AddressFamily.of(a) != family) {
        throw new IllegalArgumentException("addresses must all be " + family + " but got " + a);
      }
    }
    if (version == 2 && family != AddressFamily.IPV4) {
      throw new IllegalArgumentException("VRRPv2 carries IPv4 addresses only but got " + addresses.get(0));
    }
  }

  /** A VRRPv3 advertisement. */
  public static VrrpPacket v3(int vrid, int priority, Duration advertInterval, List<InetAddress> addresses) {
    return new VrrpPacket(3, vrid, priority, advertInterval, AUTH_NONE, new byte[0], addresses);
  }

  /** A VRRPv2 advertisement. */
  public static VrrpPacket v2(int vrid, int priority, Duration advertInterval, int authType, byte[] authData,
      List<InetAddress> addresses) {
    return new VrrpPacket(2, vrid, priority, advertInterval, authType, authData, addresses);
  }

  /** The family of the addresses carried. */
  public AddressFamily family() {
    return AddressFamily.of(addresses.get(0));
  }

  /** A copy of the authentication bytes. */
  @Override
  public byte[] authData() {
    return authData.clone();
  }

  /** The same advertisement with another priority. */
  public VrrpPacket withPriority(int newPriority) {
    return new VrrpPacket(version, vrid, newPriority, advertInterval, authType, authData, addresses);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VrrpPacket p && version == p.version && vrid == p.vrid && priority == p.priority
        && advertInterval.equals(p.advertInterval) && authType == p.authType && Arrays.equals(authData, p.authData)
        && addresses.equals(p.addresses);
  }

  @Override
  public int hashCode() {
    return ((vrid * 31 + priority) * 31 + addresses.hashCode()) * 31 + Arrays.hashCode(authData);
  }

  @Override
  public String toString() {
    return "VRRPv" + version + " vrid " + vrid + " prio " + priority + " int " + advertInterval.toMillis() + "ms auth "
        + authType + " " + addresses;
  }
}
