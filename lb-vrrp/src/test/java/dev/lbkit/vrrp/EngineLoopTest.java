package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.spi.AddressManager;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import dev.lbkit.vrrp.testkit.NoopSpi;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link VrrpRouter#run()}'s wait: it sleeps exactly until the next timer (no polling period), and a queued command
 * or close() wakes the transport. Time is a hand-moved ticker that the fake transport advances by each wait.
 */
final class EngineLoopTest {
  private long now = -5_000_000_000L; // System.nanoTime may be negative too
  private final List<Long> waits = new ArrayList<>();
  private int wakeups;
  private VrrpRouter router;

  private final VrrpTransport transport = new VrrpTransport() {
    @Override
    public void open(String interfaceName, AddressFamily family) {}

    @Override
    public InetAddress primaryAddress(String interfaceName, AddressFamily family) {
      return VirtualAddress.parse("10.0.0.1/24").address();
    }

    @Override
    public void send(VrrpDatagram datagram) {}

    @Override
    public Optional<VrrpDatagram> receive(Duration timeout) throws java.io.IOException {
      waits.add(timeout.toNanos());
      now += timeout.toNanos(); // nothing arrives: the whole timeout passes
      if (waits.size() == 8) {
        router.close(); // from the engine thread: ends run() after this round
      }
      return Optional.empty();
    }

    @Override
    public void wakeup() {
      wakeups++;
    }

    @Override
    public void close() {}
  };

  private final AddressManager addresses = NoopSpi.addresses();

  @Test
  void run_sleepsUntilTheNextTimerAndNoLonger() throws Exception {
    // without the takeover spin (TakeoverSpinTest has it): the Backup sleeps right up to its master-down deadline
    router = VrrpRouter.builder(transport, addresses).ticker(() -> now).takeoverSpin(Duration.ZERO)
        .instance(VrrpConfig.builder("VI").interfaceName("eth0").vrid(1).priority(100).version(3)
            .advertInterval(Duration.ofSeconds(1)).virtualAddress("10.0.0.100/24").build())
        .build();
    router.run();
    // Backup: Master_Down_Interval = 3 * 1 s + (256 - 100) / 256 s; then Master: adverts every second, and the
    // second gratuitous ARP burst 5 s after takeover falls on an advert
    assertEquals(List.of(3_609_375_000L, 1_000_000_000L, 1_000_000_000L, 1_000_000_000L, 1_000_000_000L,
        1_000_000_000L, 1_000_000_000L, 1_000_000_000L), waits);
    assertEquals(VrrpState.INITIALIZE, router.instances().get(0).state(), "closed: resigned");
  }

  @Test
  void execute_wakesTheTransport() {
    router = VrrpRouter.builder(transport, addresses).ticker(() -> now)
        .instance(VrrpConfig.builder("VI").interfaceName("eth0").vrid(1).virtualAddress("10.0.0.100/24").build())
        .build();
    router.execute(() -> {});
    router.execute(() -> {});
    assertEquals(2, wakeups);
  }
}
