package dev.lbkit.vrrp;

import dev.lbkit.api.Beta;
import dev.lbkit.vrrp.internal.linux.LinuxAddressManager;
import dev.lbkit.vrrp.internal.linux.LinuxSupport;
import dev.lbkit.vrrp.internal.linux.LinuxVrrpTransport;
import dev.lbkit.vrrp.internal.linux.NftTrafficFilter;
import dev.lbkit.vrrp.spi.AddressManager;
import dev.lbkit.vrrp.spi.TrafficFilter;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * VRRP on Linux: raw sockets for IP protocol 112 (needs CAP_NET_RAW) and virtual addresses through rtnetlink (needs
 * CAP_NET_ADMIN), in the network namespace of the calling process.
 *
 * <pre>{@code
 * try (VrrpRouter router = LinuxVrrp.routerBuilder().instance(config).listener(System.out::println).build()) {
 *   router.run();
 * }
 * }</pre>
 */
@Beta
public final class LinuxVrrp {
  private LinuxVrrp() {}

  /** Whether the native binding loaded (64-bit Linux with JNA). Privileges are checked when sockets open. */
  public static boolean isAvailable() {
    return LinuxSupport.unavailabilityCause().isEmpty();
  }

  /** Why the native binding did not load, or empty. */
  public static Optional<Throwable> unavailabilityCause() {
    return LinuxSupport.unavailabilityCause();
  }

  /**
   * A raw-socket transport; sockets open per interface when the router starts.
   *
   * @throws IOException if rtnetlink cannot be opened
   */
  public static VrrpTransport transport() throws IOException {
    return new LinuxVrrpTransport();
  }

  /**
   * An rtnetlink address manager with gratuitous ARP / neighbour advertisement. Close it with the router.
   *
   * @throws IOException if rtnetlink cannot be opened
   */
  public static AddressManager addressManager() throws IOException {
    return new LinuxAddressManager();
  }

  /**
   * The nftables accept-mode filter (table {@code inet lbkit_vrrp}); it runs the {@code nft} program (Debian package
   * nftables) only when an instance with accept mode off becomes Master, and its close() deletes the table.
   */
  public static TrafficFilter trafficFilter() {
    return new NftTrafficFilter(NftTrafficFilter.DEFAULT_TABLE);
  }

  /**
   * The nftables accept-mode filter with its own table name, for a second router in one network namespace.
   *
   * @throws IllegalArgumentException for a name nft would not take
   */
  public static TrafficFilter trafficFilter(String tableName) {
    return new NftTrafficFilter(tableName);
  }

  /**
   * A router builder over a new transport, address manager and nftables {@link #trafficFilter()};
   * {@link VrrpRouter#close()} closes all three.
   *
   * @throws IOException if rtnetlink cannot be opened
   */
  public static VrrpRouter.Builder routerBuilder() throws IOException {
    return VrrpRouter.builder(transport(), addressManager()).trafficFilter(trafficFilter());
  }

  /**
   * A tracked-object check for {@link VrrpRouter.Builder#trackedCheck}: true while the interface is up with carrier
   * (keepalived's track_interface), read from {@code /sys/class/net/NAME/operstate}.
   */
  public static BooleanSupplier interfaceUp(String interfaceName) {
    Path operstate = Path.of("/sys/class/net", interfaceName, "operstate");
    return () -> {
      try {
        String s = Files.readString(operstate, StandardCharsets.US_ASCII).trim();
        return s.equals("up") || s.equals("unknown");
      } catch (IOException e) {
        return false;
      }
    };
  }
}
