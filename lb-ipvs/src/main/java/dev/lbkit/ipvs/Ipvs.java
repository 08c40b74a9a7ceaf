package dev.lbkit.ipvs;

import dev.lbkit.ipvs.internal.netlink.GenericNetlink;
import dev.lbkit.ipvs.internal.netlink.NetlinkConnection;
import dev.lbkit.ipvs.internal.netlink.NetlinkException;
import dev.lbkit.ipvs.internal.netlink.NetlinkProtocol;
import dev.lbkit.ipvs.internal.netlink.NetlinkSocket;
import dev.lbkit.ipvs.internal.wire.IpvsGenl;
import java.util.Optional;

/**
 * Entry point: opens the kernel's IPVS table, or says why it cannot.
 *
 * <pre>{@code
 * if (!Ipvs.isAvailable()) {
 *   log.warn("no IPVS: {}", Ipvs.unavailabilityCause().map(Throwable::getMessage).orElse("?"));
 * }
 * try (IpvsClient ipvs = Ipvs.open()) { ... }
 * }</pre>
 * lbkit never loads kernel modules itself; {@code modprobe ip_vs} is the operator's decision.
 */
public final class Ipvs {
  private Ipvs() {}

  /**
   * Opens a client of the kernel's IPVS over generic netlink, in the caller's network namespace.
   *
   * @throws IpvsUnavailableException if netlink is unavailable or the kernel has no IPVS family
   * @throws IpvsException if the socket cannot be opened
   */
  public static IpvsClient open() throws IpvsException {
    return NetlinkIpvsClient.open();
  }

  /** A new, empty in-memory table with the kernel's rules ({@link InMemoryIpvs}). */
  public static InMemoryIpvs inMemory() {
    return new InMemoryIpvs();
  }

  /** Whether {@link #open()} can work here: netlink is available and the kernel has the IPVS family. */
  public static boolean isAvailable() {
    return unavailabilityCause().isEmpty();
  }

  /** Why {@link #open()} would fail with {@link IpvsUnavailableException}, or empty when IPVS is there. */
  public static Optional<Throwable> unavailabilityCause() {
    if (!NetlinkSocket.isAvailable()) {
      return NetlinkSocket.unavailabilityCause();
    }
    try (NetlinkConnection c = NetlinkConnection.open(NetlinkProtocol.GENERIC)) {
      if (GenericNetlink.resolve(c, IpvsGenl.FAMILY_NAME).isEmpty()) {
        return Optional.of(NetlinkIpvsClient.noIpvsFamily());
      }
      return Optional.empty();
    } catch (NetlinkException e) {
      return Optional.of(e);
    } catch (UnsupportedOperationException | LinkageError e) {
      return Optional.of(e);
    }
  }
}
