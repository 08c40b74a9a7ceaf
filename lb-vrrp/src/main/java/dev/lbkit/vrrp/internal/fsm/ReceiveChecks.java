package dev.lbkit.vrrp.internal.fsm;

import dev.lbkit.vrrp.internal.codec.Rejection;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The receive checks of RFC 3768 7.1 and RFC 5798 7.1 that depend on an instance's configuration (the codec has
 * done the rest). Immutable.
 */
public final class ReceiveChecks {
  private final int version;
  private final Duration advertInterval;
  private final int authType;
  private final byte[] authData;
  private final List<InetAddress> addresses;
  private final InetAddress primaryAddress;

  /**
   * @param authData the 8 bytes of the configured v2 authentication data (zeros for none)
   */
  public ReceiveChecks(int version, Duration advertInterval, int authType, byte[] authData,
      List<InetAddress> addresses, InetAddress primaryAddress) {
    this.version = version;
    this.advertInterval = advertInterval;
    this.authType = authType;
    this.authData = authData.clone();
    this.addresses = List.copyOf(addresses);
    this.primaryAddress = primaryAddress;
  }

  /** Why {@code packet} from {@code source} must be dropped, or empty to accept it. */
  public Optional<Rejection> check(VrrpPacket packet, InetAddress source) {
    if (source.equals(primaryAddress)) {
      return Optional.of(Rejection.OWN_PACKET);
    }
    // RFC 5798 7.1: the version must be the one this virtual router runs
    if (packet.version() != version) {
      return Optional.of(Rejection.VERSION_MISMATCH);
    }
    if (packet.family() != dev.lbkit.api.AddressFamily.of(addresses.get(0))) {
      return Optional.of(Rejection.ADDRESS_FAMILY);
    }
    if (version == 2) {
      // RFC 3768 7.1: the authentication type must match the configured one
      if (packet.authType() != authType) {
        return Optional.of(Rejection.AUTH_TYPE);
      }
      // RFC 2338 5.3.6.1: the simple text password must match all 8 bytes
      if (authType == VrrpPacket.AUTH_PASS && !Arrays.equals(packet.authData(), authData)) {
        return Optional.of(Rejection.AUTH_PASSWORD);
      }
      // RFC 3768 7.1: the advertisement interval must match the locally configured one
      if (!packet.advertInterval().equals(advertInterval)) {
        return Optional.of(Rejection.INTERVAL_MISMATCH);
      }
    }
    // RFC 5798 7.1: the addresses must match the configured ones, unless the sender is the owner (priority 255)
    if (packet.priority() != 255 && !new HashSet<>(packet.addresses()).equals(new HashSet<>(addresses))) {
      return Optional.of(Rejection.ADDRESS_MISMATCH);
    }
    return Optional.empty();
  }
}
