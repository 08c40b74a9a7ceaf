package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.testkit.NoopSpi;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A received advertisement counts from its arrival ({@link VrrpDatagram#age()}, the kernel's receive time stamp),
 * not from when the engine got to read it: the Backup's master-down timer runs from the arrival. Hand-moved ticker.
 */
final class ReceiveTimestampTest {
  private static final long MS = 1_000_000L;
  /** Master_Down_Interval for priority 100 at 1 s adverts: 3 s + 156/256 s. */
  private static final long MDI = 3_609_375_000L;
  private long now = -7_000_000_000L;
  private VrrpRouter router;

  @BeforeEach
  void start() throws Exception {
    router = VrrpRouter.builder(NoopSpi.transport(), NoopSpi.addresses()).ticker(() -> now)
        .instance(VrrpConfig.builder("VI").interfaceName("eth0").vrid(1).priority(100).version(3)
            .advertInterval(Duration.ofSeconds(1)).virtualAddress("10.0.0.100/24").build())
        .build();
    router.start();
  }

  private static VrrpDatagram advert(int priority, Duration age) throws Exception {
    InetAddress src = InetAddress.getByName("10.0.0.2");
    InetAddress dst = VrrpRouter.multicastGroup(dev.lbkit.api.AddressFamily.IPV4);
    byte[] payload = VrrpCodec.encode(VrrpPacket.v3(1, priority, Duration.ofSeconds(1),
        List.of(InetAddress.getByName("10.0.0.100"))), src, dst);
    return new VrrpDatagram("eth0", src, dst, 255, payload, age);
  }

  @Test
  void masterDownTimer_startsAtTheArrival() throws Exception {
    now += 500 * MS;
    router.onDatagram(advert(150, Duration.ofNanos(730_000)));
    assertEquals(now - 730_000 + MDI, router.nextDeadlineNanos());
  }

  @Test
  void unknownAge_startsWhenRead() throws Exception {
    now += 500 * MS;
    router.onDatagram(advert(150, Duration.ZERO));
    assertEquals(now + MDI, router.nextDeadlineNanos());
  }

  @Test
  void ageIsCappedAtTenMilliseconds() throws Exception {
    // a wall clock stepped between arrival and read must not move the timer by more than that
    now += 500 * MS;
    router.onDatagram(advert(150, Duration.ofSeconds(30)));
    assertEquals(now - 10 * MS + MDI, router.nextDeadlineNanos());
  }

  @Test
  void priorityZero_skewRunsFromTheArrival() throws Exception {
    now += 500 * MS;
    router.onDatagram(advert(0, Duration.ofMillis(2)));
    assertEquals(now - 2 * MS + 609_375_000L, router.nextDeadlineNanos()); // Skew_Time(100) at 1 s
  }

  @Test
  void anAdvertThatArrivedBeforeTheDeadline_keepsTheBackupEvenWhenReadAfterIt() throws Exception {
    now += 500 * MS;
    router.onDatagram(advert(150, Duration.ZERO));
    long deadline = router.nextDeadlineNanos();
    // the engine was busy: it reads an advert 1 ms after the deadline that arrived 2 ms before it
    now = deadline + MS;
    router.onDatagram(advert(150, Duration.ofMillis(3)));
    router.runDueTimers();
    assertEquals(VrrpState.BACKUP, router.instance("VI").state());
    assertEquals(deadline - 2 * MS + MDI, router.nextDeadlineNanos());
  }

  @Test
  void negativeAge_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> advert(150, Duration.ofNanos(-1)));
  }
}
