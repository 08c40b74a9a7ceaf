package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.spi.AddressManager;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.testkit.ScriptedTransport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The takeover spin of {@link VrrpRouter#run()}: the engine wakes {@code takeoverSpin} before a master-down deadline
 * and polls without sleeping, so the takeover comes right at the deadline instead of a wake-up latency after it; an
 * advertisement arriving in the spin (even 1 ns before the deadline) keeps the Backup; a takeover is never early; the
 * spin happens only for master-down deadlines. Virtual time: {@link ScriptedTransport} moves the clock by each wait,
 * adds a wake-up latency to blocking waits and a step to each poll.
 */
final class TakeoverSpinTest {
  static final long US = 1_000L;
  static final long MS = 1_000_000L;
  /** Master_Down_Interval for priority 100 at 100 ms: 300 ms + 156/256 * 100 ms. */
  static final long MDI = 360_937_500L;
  static final long SKEW = 60_937_500L;
  private static final long START = -3_000 * MS; // System.nanoTime may be negative
  /** The takeover window before the spin: two advertisement intervals of 100 ms. */
  static final long WINDOW = VrrpRouter.TAKEOVER_WINDOW_INTERVALS * 100 * MS;

  private final ScriptedTransport transport = new ScriptedTransport(START).wakeLatencyNanos(150 * US)
      .pollStepNanos(US);
  private final List<Long> takeovers = new ArrayList<>();
  private final List<Integer> pollsAtTakeover = new ArrayList<>();
  /** Whether the transport's takeover window was open at each address add, and at each state-change listener call. */
  private final List<Boolean> windowAtAdd = new ArrayList<>();
  private final List<Boolean> windowAtListener = new ArrayList<>();
  /** When the address manager was primed, and for what. */
  private final List<Long> addressPrimesAt = new ArrayList<>();
  private final List<String> addressPrimes = new ArrayList<>();
  private VrrpRouter router;

  private final AddressManager addresses = new AddressManager() {
    @Override
    public void add(String interfaceName, VirtualAddress address) {
      takeovers.add(transport.now());
      pollsAtTakeover.add(transport.polls());
      windowAtAdd.add(transport.inTakeover());
    }

    @Override
    public void remove(String interfaceName, VirtualAddress address) {}

    @Override
    public void announce(String interfaceName, VirtualAddress address) {}

    @Override
    public void prime(String interfaceName, List<VirtualAddress> addresses) {
      addressPrimesAt.add(transport.now());
      addressPrimes.add(interfaceName + " " + addresses);
    }
  };

  static VrrpDatagram advert(int priority) {
    InetAddress src = VirtualAddress.parse("10.0.0.2/24").address();
    InetAddress dst = VrrpRouter.multicastGroup(AddressFamily.IPV4);
    byte[] payload = VrrpCodec.encode(VrrpPacket.v3(1, priority, Duration.ofMillis(100),
        List.of(VirtualAddress.parse("10.0.0.100/24").address())), src, dst);
    return new VrrpDatagram("eth0", src, dst, 255, payload);
  }

  static VrrpConfig config() {
    return VrrpConfig.builder("VI").interfaceName("eth0").vrid(1).priority(100).version(3)
        .advertInterval(Duration.ofMillis(100)).virtualAddress("10.0.0.100/24").build();
  }

  /** Runs the engine until the clock passes {@code until}. */
  private void run(Duration spin, long until) throws Exception {
    run(spin, true, until);
  }

  private void run(Duration spin, boolean realtime, long until) throws Exception {
    router = VrrpRouter.builder(transport, addresses).ticker(transport::read).takeoverSpin(spin)
        .takeoverRealtime(realtime).warmUpTakeovers(0).instance(config())
        .listener(e -> windowAtListener.add(transport.inTakeover())).build();
    transport.closeAfter(until, router);
    router.run();
  }

  @Test
  void spin_takesOverWithinAPollOfTheDeadline_notAWakeUpLater() throws Exception {
    long arrival = START + 50 * MS;
    transport.arriveAt(arrival, advert(150));
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, arrival + MDI + 1_000 * MS);
    long deadline = arrival + MDI;
    assertEquals(1, takeovers.size(), "one takeover");
    long late = takeovers.get(0) - deadline;
    assertTrue(late >= 0 && late <= 2 * US, "takeover " + late + " ns after the deadline");
    VrrpRouter.TakeoverSpinStats stats = router.takeoverSpinStats();
    assertEquals(1, stats.spins());
    assertEquals(0, stats.cancelled());
    assertTrue(stats.lastOvershoot().toNanos() < US, "overshoot " + stats.lastOvershoot());
    // woke 500 us early, paid 150 us to wake, polled the other 350 us
    assertEquals(350 * US, stats.last().toNanos(), 2 * US);
    // the Backup's wait after the advert ended 200.5 ms before the deadline (the advert was read 150 us late), where
    // it woke once to open the takeover window; the next wait ended 500 us before the deadline
    List<Long> waits = transport.waits();
    long toWindow = MDI - 150 * US - 500 * US - WINDOW;
    int i = 0;
    while (i < waits.size() && Math.abs(waits.get(i) - toWindow) >= US) {
      i++;
    }
    assertTrue(i < waits.size() - 1, "waits " + waits);
    assertEquals(WINDOW - 150 * US, waits.get(i + 1), US, "waits " + waits);
  }

  @Test
  void spin_primesTheTakeoverPath_beforeTheDeadline_withoutMovingTheTakeover() throws Exception {
    transport.primeStepNanos(20 * US); // a prime that costs something: the spin must still end on time
    long arrival = START + 50 * MS;
    transport.arriveAt(arrival, advert(150));
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, arrival + MDI + 1_000 * MS);
    long deadline = arrival + MDI;
    // the address manager once, at the spin's start (woken 350 us before the deadline), for the instance due
    assertEquals(List.of("eth0 [10.0.0.100/24]"), addressPrimes);
    assertEquals(deadline - 350 * US, addressPrimesAt.get(0), 2 * US);
    // the transport at the start and once more within PRIME_AGAIN_NANOS of the deadline; both ended before it
    List<Long> primed = transport.primedAt();
    assertEquals(2, primed.size(), "primes at " + primed);
    assertEquals(deadline - 350 * US, primed.get(0), 2 * US);
    assertTrue(primed.get(1) >= deadline - VrrpRouter.PRIME_AGAIN_NANOS
        && primed.get(1) + 20 * US <= deadline, "second prime at " + (primed.get(1) - deadline) + " ns");
    assertEquals(1, takeovers.size());
    long late = takeovers.get(0) - deadline;
    assertTrue(late >= 0 && late <= 2 * US, "takeover " + late + " ns after the deadline");
    assertEquals(0, transport.polls() - 1, "one poll, after the deadline: a prime takes nothing");
  }

  @Test
  void takeoverWindow_opensForTheLastSleep_holdsTheAddresses_andClosesBeforeTheListeners() throws Exception {
    long arrival = START + 50 * MS;
    transport.arriveAt(arrival, advert(150));
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, arrival + MDI + 1_000 * MS);
    long deadline = arrival + MDI;
    assertEquals(1, transport.takeoverBegins().size(), "begins " + transport.takeoverBegins());
    // opened when the engine woke TAKEOVER_WINDOW before the spin (150 us late), for the sleep into the spin
    assertEquals(deadline - 500 * US - WINDOW + 150 * US, transport.takeoverBegins().get(0),
        2 * US);
    assertEquals(List.of(true), windowAtAdd, "the virtual address is added inside the window");
    // the advertisement goes out inside it too: the window ends after the first send
    long firstSend = transport.sentAt().get(0);
    assertTrue(firstSend >= deadline && firstSend <= transport.takeoverEnds().get(0), "sent at "
        + (firstSend - deadline) + " ns, window ended at " + (transport.takeoverEnds().get(0) - deadline) + " ns");
    assertEquals(1, transport.takeoverEnds().size());
    assertTrue(windowAtListener.size() >= 2 && !windowAtListener.contains(true),
        "no listener runs inside the window: " + windowAtListener);
    assertEquals(1, transport.blockingWaitsInTakeover(), "inside the window only the sleep into the spin");
  }

  @Test
  void takeoverWindow_off_neverOpens_andTheTakeoverStillComesWithinAPollOfTheDeadline() throws Exception {
    long arrival = START + 50 * MS;
    transport.arriveAt(arrival, advert(150));
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, false, arrival + MDI + 1_000 * MS);
    long deadline = arrival + MDI;
    assertEquals(List.of(), transport.takeoverBegins(), "takeoverRealtime(false): the window never opens");
    assertEquals(List.of(false), windowAtAdd);
    assertEquals(1, takeovers.size(), "one takeover");
    long late = takeovers.get(0) - deadline;
    assertTrue(late >= 0 && late <= 2 * US, "takeover " + late + " ns after the deadline");
  }

  @Test
  void takeoverWindow_cancelledSpin_closesBeforeTheNextWait() throws Exception {
    long first = START + 50 * MS;
    long second = first + MDI - 100 * US; // inside the spin: cancels it
    transport.arriveAt(first, advert(150));
    transport.arriveAt(second, advert(150));
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, second + MDI + 1_000 * MS);
    assertEquals(2, transport.takeoverBegins().size(), "one window per spin");
    assertEquals(2, transport.takeoverEnds().size());
    // the cancelled window ended before the Backup went back to sleep
    assertTrue(transport.takeoverEnds().get(0) < second + MDI - VrrpRouter.DEFAULT_TAKEOVER_SPIN.toNanos(),
        "first window ended " + (transport.takeoverEnds().get(0) - first - MDI) + " ns after the first deadline");
    assertEquals(2, transport.blockingWaitsInTakeover(), "one sleep into each spin, none after the cancelled one");
    assertEquals(List.of(true), windowAtAdd);
  }

  @Test
  void takeoverWindow_aLostAdvert_opensIt_andTheNextAdvertClosesIt_withoutATakeover() throws Exception {
    long t = START + 50 * MS;
    // adverts every 100 ms, the fourth lost: the gap of 200 ms passes the window's opening (about 160 ms)
    for (int i : new int[] {0, 1, 2, 4, 5, 6}) {
      transport.arriveAt(t + i * 100 * MS, advert(150));
    }
    long last = t + 600 * MS;
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, last + 100 * MS);
    assertEquals(List.of(), takeovers, "still a Backup");
    // (the engine may open it again after the last advert, as the run ends)
    assertEquals(1, transport.takeoverBegins().stream().filter(b -> b < last).count(), "opened once while adverts came");
    long opened = transport.takeoverBegins().get(0);
    assertTrue(opened > t + 200 * MS && opened < t + 400 * MS, "opened " + (opened - t) / MS + " ms after the first");
    // closed by the advert after the gap, before the engine slept again
    assertTrue(transport.takeoverEnds().get(0) >= t + 400 * MS && transport.takeoverEnds().get(0) < t + 401 * MS,
        "closed " + (transport.takeoverEnds().get(0) - t) / US + " us after the first");
    assertEquals(0, router.takeoverSpinStats().spins());
  }

  @Test
  void noSpin_neverPrimes() throws Exception {
    long arrival = START + 50 * MS;
    transport.arriveAt(arrival, advert(150));
    run(Duration.ZERO, arrival + MDI + 1_000 * MS);
    assertEquals(1, takeovers.size());
    assertEquals(List.of(), transport.primedAt());
    assertEquals(List.of(), addressPrimes);
    assertEquals(List.of(), transport.takeoverBegins(), "no spin, no takeover window");
  }

  @Test
  void noSpin_takesOverAWakeUpLatencyAfterTheDeadline() throws Exception {
    long arrival = START + 50 * MS;
    transport.arriveAt(arrival, advert(150));
    run(Duration.ZERO, arrival + MDI + 1_000 * MS);
    assertEquals(1, takeovers.size());
    // the clock moves 10 ns per read: within 1 us of a wake-up latency after the deadline
    assertEquals(150 * US, takeovers.get(0) - (arrival + MDI), US);
    assertEquals(0, transport.polls());
    assertEquals(0, router.takeoverSpinStats().spins());
  }

  @Test
  void advertInTheSpin_keepsTheBackup_andTheTimerRunsFromItsArrival() throws Exception {
    long first = START + 50 * MS;
    long second = first + MDI - 100 * US; // inside the 500 us spin
    transport.arriveAt(first, advert(150));
    transport.arriveAt(second, advert(150));
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, second + MDI + 1_000 * MS);
    assertEquals(1, takeovers.size(), "only the takeover after the second advert's interval");
    long late = takeovers.get(0) - (second + MDI);
    assertTrue(late >= 0 && late <= 2 * US, "takeover " + late + " ns after the deadline");
    assertEquals(2, router.takeoverSpinStats().spins());
    assertEquals(1, router.takeoverSpinStats().cancelled());
  }

  @Test
  void advertOneNanosecondBeforeTheDeadline_keepsTheBackup() throws Exception {
    long first = START + 50 * MS;
    long second = first + MDI - 1;
    transport.arriveAt(first, advert(150));
    transport.arriveAt(second, advert(150));
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, second + MDI + 1_000 * MS);
    assertEquals(1, takeovers.size());
    assertTrue(takeovers.get(0) >= second + MDI, "not before Master_Down_Interval after the last advert");
    assertEquals(1, router.takeoverSpinStats().cancelled());
  }

  @Test
  void priorityZero_takesOverAtSkewTime() throws Exception {
    long first = START + 50 * MS;
    long resign = first + 100 * MS;
    transport.arriveAt(first, advert(150));
    transport.arriveAt(resign, advert(0));
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, resign + 1_000 * MS);
    assertEquals(1, takeovers.size());
    long late = takeovers.get(0) - (resign + SKEW);
    assertTrue(late >= 0 && late <= 2 * US, "takeover " + late + " ns after Skew_Time");
  }

  @Test
  void advertsOnTime_andMasterTicks_neverSpin() throws Exception {
    long t = START + 50 * MS;
    for (int i = 0; i < 30; i++) {
      transport.arriveAt(t + i * 100 * MS, advert(150));
    }
    long lastAdvert = t + 29 * 100 * MS;
    run(VrrpRouter.DEFAULT_TAKEOVER_SPIN, lastAdvert + MDI + 2_000 * MS);
    assertEquals(1, takeovers.size());
    assertTrue(takeovers.get(0) >= lastAdvert + MDI);
    assertEquals(1, router.takeoverSpinStats().spins(), "one spin: the takeover's");
    assertEquals(1, transport.takeoverBegins().size(), "one takeover window, the takeover's: none while adverts came");
    // 2 s as Master (20 advertisement timers) after it: no more polling
    assertEquals(pollsAtTakeover.get(0), transport.polls(), "a Master's timers sleep to the deadline");
    assertEquals(VrrpState.INITIALIZE, router.instance("VI").state(), "closed: resigned");
  }

  @Test
  void takeoverSpin_isValidated() {
    VrrpRouter.Builder b = VrrpRouter.builder(transport, addresses);
    assertThrows(IllegalArgumentException.class, () -> b.takeoverSpin(Duration.ofNanos(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.takeoverSpin(Duration.ofMillis(6)));
    b.takeoverSpin(Duration.ZERO);
    b.takeoverSpin(Duration.ofMillis(5));
  }
}
