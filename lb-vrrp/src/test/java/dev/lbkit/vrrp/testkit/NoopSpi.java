package dev.lbkit.vrrp.testkit;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.spi.AddressManager;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/** A transport and an address manager that do nothing, for tests of what the router refuses at build time. */
public final class NoopSpi {
  private NoopSpi() {}

  public static VrrpTransport transport() {
    return new VrrpTransport() {
      @Override
      public void open(String interfaceName, AddressFamily family) {}

      @Override
      public void openAuthenticationHeader(String interfaceName) {}

      @Override
      public InetAddress primaryAddress(String interfaceName, AddressFamily family) {
        return VirtualAddress.parse("10.0.0.1/24").address();
      }

      @Override
      public void send(VrrpDatagram datagram) {}

      @Override
      public Optional<VrrpDatagram> receive(Duration timeout) {
        return Optional.empty();
      }

      @Override
      public void wakeup() {}

      @Override
      public void close() {}
    };
  }

  public static AddressManager addresses() {
    return new AddressManager() {
      @Override
      public void add(String interfaceName, VirtualAddress address) {}

      @Override
      public void remove(String interfaceName, VirtualAddress address) {}

      @Override
      public void announce(String interfaceName, VirtualAddress address) {}
    };
  }
}
