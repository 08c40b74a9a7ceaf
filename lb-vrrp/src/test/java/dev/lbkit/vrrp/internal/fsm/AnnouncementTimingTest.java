package dev.lbkit.vrrp.internal.fsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.testkit.VrrpArbitraries;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * keepalived's gratuitous ARP settings in the state machine, with time moved by hand: garp_master_refresh(_repeat),
 * garp_lower_prio_delay/_repeat with lower_prio_no_advert, and vrrp_garp_interval's rate limit. Every event is
 * recorded with the millisecond it happened at, so the tests pin exact timing and counts.
 */
final class AnnouncementTimingTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final InetAddress ME = VrrpArbitraries.parse("10.0.0.2");
  private static final InetAddress LOWER = VrrpArbitraries.parse("10.0.0.1");
  private static final InetAddress HIGHER = VrrpArbitraries.parse("10.0.0.3");
  private static final List<InetAddress> VIPS = List.of(VrrpArbitraries.parse("10.0.0.100"));

  /** Records what the machine asked for, each as "MS event". */
  private static final class Timed implements FsmOutput {
    final List<String> log = new ArrayList<>();
    long now;

    private void add(String event) {
      log.add(now / MS + " " + event);
    }

    @Override
    public void sendAdvertisement(int priority) {
      add("advert " + priority);
    }

    @Override
    public void addVirtualAddresses() {
      add("add");
    }

    @Override
    public void removeVirtualAddresses() {
      add("remove");
    }

    @Override
    public void announceVirtualAddresses() {
      add("garp all");
    }

    @Override
    public void announceVirtualAddress(int index) {
      add("garp " + index);
    }

    @Override
    public void heardLowerPriority() {
      add("heard lower");
    }

    @Override
    public void stateChanged(VrrpState from, VrrpState to, String reason) {
      add(from + "->" + to);
    }

    /** The events from {@code fromMs} on. */
    List<String> since(long fromMs) {
      return log.stream().filter(l -> Long.parseLong(l.substring(0, l.indexOf(' '))) >= fromMs).toList();
    }
  }

  private final Timed out = new Timed();

  /** An owner (priority 255 is Master at once, at time 0) or a priority-150 Master, with these announcements. */
  private VrrpStateMachine master(int priority, Announcing a, boolean lowerPrioNoAdvert) {
    VrrpStateMachine m = new VrrpStateMachine(new FsmConfig(3, priority, S, true, 0, ME, a, false,
        lowerPrioNoAdvert), out);
    m.start(0);
    if (priority != 255) {
      // a Backup at 150 takes over when its master-down timer fires
      runUntil(m, m.masterDownDeadline());
      out.log.clear();
      assertEquals(VrrpState.MASTER, m.state());
    }
    return m;
  }

  /** Runs every timer due up to and including {@code until}, at the times the machine asks for. */
  private void runUntil(VrrpStateMachine m, long until) {
    long next;
    while ((next = m.nextDeadline()) <= until) {
      out.now = next;
      m.onTimer(next);
    }
    out.now = until;
  }

  private void receive(VrrpStateMachine m, long at, int priority, InetAddress from) {
    runUntil(m, at);
    out.now = at;
    m.onAdvertisement(VrrpPacket.v3(7, priority, Duration.ofSeconds(1), VIPS), from, at);
  }

  @Test
  void refresh_burstsWithTheFirstAdvertisementAtOrAfterTheRefreshTime() {
    // advert 1 s, garp_master_refresh 3 s, refresh repeat 2, no second takeover burst, no interval
    VrrpStateMachine m = master(255, new Announcing(1, 1, 0, 3 * S, 2, 0, 0, 0), false);
    runUntil(m, 7_500 * MS);
    assertEquals(List.of("0 advert 255", "0 add", "0 garp all", "0 INITIALIZE->MASTER",
        "1000 advert 255", "2000 advert 255",
        "3000 advert 255", "3000 garp all", "3000 garp all",
        "4000 advert 255", "5000 advert 255",
        "6000 advert 255", "6000 garp all", "6000 garp all",
        "7000 advert 255"), out.log);
  }

  @Test
  void refresh_notAMultipleOfTheInterval_waitsForTheNextAdvertisement_andCountsFromThere() {
    // refresh 2.5 s with adverts every second: due at 2.5 s, sent with the 3 s advert; then due at 5.5, sent at 6
    VrrpStateMachine m = master(255, new Announcing(1, 1, 0, 2_500 * MS, 1, 0, 0, 0), false);
    runUntil(m, 9_500 * MS);
    assertEquals(List.of("3000 garp all", "6000 garp all", "9000 garp all"),
        out.log.stream().filter(l -> l.endsWith("garp all") && !l.startsWith("0 ")).toList());
  }

  @Test
  void interval_oneAddress_aBurstOfThreeIsTwoOnTheWire_oneIntervalApart() {
    // keepalived 2.2.7 in the lab: garp_master_repeat 3 with vrrp_garp_interval 0.2 sends at 0 and at 200 ms only
    VrrpStateMachine m = master(255, new Announcing(1, 3, 0, 0, 1, 0, 0, 200 * MS), false);
    assertEquals(200 * MS, m.nextDeadline(), "the pending announcement is the next thing to do");
    runUntil(m, 999 * MS);
    assertEquals(List.of("0 advert 255", "0 add", "0 garp 0", "0 INITIALIZE->MASTER", "200 garp 0"), out.log);
  }

  @Test
  void interval_twoAddresses_pendingOnesGoOutInOrder_oneEachInterval() {
    VrrpStateMachine m = master(255, new Announcing(2, 2, 0, 0, 1, 0, 0, 100 * MS), false);
    runUntil(m, 999 * MS);
    // the first address at once, then address 0 (pending from the second round) and address 1, 100 ms apart
    assertEquals(List.of("0 garp 0", "100 garp 0", "200 garp 1"),
        out.log.stream().filter(l -> l.contains("garp")).toList());
  }

  @Test
  void interval_aSecondBurstAfterTheGap_startsAtOnceAgain() {
    VrrpStateMachine m = master(255, new Announcing(1, 3, 2 * S, 0, 1, 0, 0, 200 * MS), false);
    runUntil(m, 3_500 * MS);
    assertEquals(List.of("0 garp 0", "200 garp 0", "2000 garp 0", "2200 garp 0"),
        out.log.stream().filter(l -> l.contains("garp")).toList());
  }

  @Test
  void lowerPriority_answersWithAnAdvertisement_restartsItsTimer_thenTwoBursts() {
    // garp_lower_prio_repeat 2, garp_lower_prio_delay 1 s, no interval, takeover bursts of 1 without a second one
    VrrpStateMachine m = master(150, new Announcing(1, 1, 0, 0, 1, 2, S, 0), false);
    long t0 = out.now; // the takeover
    receive(m, t0 + 2_500 * MS, 100, HIGHER);
    long at = (t0 + 2_500 * MS) / MS;
    assertEquals(List.of(at + " heard lower", at + " advert 150", at + " garp all", at + " garp all"),
        out.since(at));
    assertEquals(VrrpState.MASTER, m.state());
    assertEquals(t0 + 3_500 * MS, m.nextDeadline(), "the answer restarted the advertisement timer (and the second "
        + "burst is due then too)");
    runUntil(m, t0 + 3_600 * MS);
    assertEquals(List.of(at + " heard lower", at + " advert 150", at + " garp all", at + " garp all",
        (at + 1000) + " advert 150", (at + 1000) + " garp all", (at + 1000) + " garp all"), out.since(at),
        "the answer restarted the advertisement timer; the second burst 1 s after the lower priority");
  }

  @Test
  void lowerPriority_equalPriorityFromALowerAddress_isLowerToo() {
    VrrpStateMachine m = master(150, new Announcing(1, 1, 0, 0, 1, 1, 0, 0), false);
    receive(m, out.now + 500 * MS, 150, LOWER);
    assertEquals(3, out.log.size(), "heard, answered, announced: " + out.log);
    assertEquals(VrrpState.MASTER, m.state());
  }

  @Test
  void lowerPriority_eachAdvertisementHeardStartsItsOwnSecondBurst() {
    VrrpStateMachine m = master(150, new Announcing(1, 1, 0, 0, 1, 1, 2 * S, 0), false);
    long t0 = out.now;
    receive(m, t0 + 100 * MS, 100, HIGHER);
    receive(m, t0 + 400 * MS, 100, HIGHER);
    runUntil(m, t0 + 5 * S);
    List<Long> garps = out.log.stream().filter(l -> l.endsWith("garp all"))
        .map(l -> Long.parseLong(l.substring(0, l.indexOf(' '))) - t0 / MS).toList();
    assertEquals(List.of(100L, 400L, 2100L, 2400L), garps);
  }

  /**
   * keepalived 2.2.7 with lower_prio_no_advert, garp_lower_prio_repeat 1 and delay 0, seen in the lab (by hand, not
   * in CI): two lower priorities 0.3 s apart got one ARP each and no advertisement, and the advertisements ran on at
   * whole seconds from the takeover.
   */
  @Test
  void lowerPrioNoAdvert_announcesWithoutAnswering_andKeepsTheAdvertisementTimer() {
    VrrpStateMachine m = master(150, new Announcing(1, 1, 0, 0, 1, 1, 0, 0), true);
    long t0 = out.now;
    receive(m, t0 + 500 * MS, 100, HIGHER);
    long at = (t0 + 500 * MS) / MS;
    assertEquals(List.of(at + " heard lower", at + " garp all"), out.since(at));
    assertEquals(t0 + S, m.nextDeadline(), "no answer, so the advertisement timer runs on");
  }

  @Test
  void lowerPrioRepeatZero_answersOnly() {
    VrrpStateMachine m = master(150, new Announcing(1, 1, 0, 0, 1, 0, 5 * S, 0), false);
    long at = out.now / MS + 500;
    receive(m, at * MS, 100, HIGHER);
    runUntil(m, at * MS + 6 * S);
    assertEquals(0, out.since(at).stream().filter(l -> l.contains("garp")).count(), out.since(at).toString());
  }

  @Test
  void priorityZero_isAnsweredWithoutAnnouncing() {
    VrrpStateMachine m = master(150, new Announcing(1, 1, 0, 0, 1, 3, S, 0), false);
    long at = out.now / MS + 500;
    receive(m, at * MS, 0, HIGHER);
    assertEquals(List.of(at + " advert 150"), out.since(at));
  }

  @Test
  void leavingMaster_dropsPendingAnnouncements_delayedBursts_andTheRefresh() {
    VrrpStateMachine m = master(150, new Announcing(1, 3, 2 * S, 3 * S, 1, 1, S, 500 * MS), false);
    long t0 = out.now;
    receive(m, t0 + 100 * MS, 100, HIGHER); // pending from the takeover, a delayed lower-priority burst due
    receive(m, t0 + 200 * MS, 200, HIGHER); // a higher priority: Backup
    assertEquals(VrrpState.BACKUP, m.state());
    assertEquals(m.masterDownDeadline(), m.nextDeadline(), "only the master-down timer is left");
    int before = out.log.size();
    runUntil(m, m.masterDownDeadline() - 1);
    assertEquals(before, out.log.size(), "nothing more was announced: " + out.since(t0 / MS));
  }

  /**
   * What keepalived 2.2.7 put on the wire in the lab with advert_int 1, garp_master_repeat 3, garp_master_delay 2,
   * garp_master_refresh 3, garp_master_refresh_repeat 2, garp_lower_prio_repeat 2, garp_lower_prio_delay 1 and
   * vrrp_garp_interval 0.2, with two lower-priority advertisements 0.5 s apart, 5.5 s after the takeover (the lab saw
   * them at 5.74 and 6.24 s): ARPs at 0 and 0.2; 2 and 2.2; 3 and 3.2 (refresh, after the advertisement); an answer,
   * ARPs at 5.5 and 5.7; an answer, 6.0 and 6.2; 6.5 and 6.7 (the first second burst); 7.0 and 7.2 (the second one
   * and the refresh due since 6 s, merged by the rate limit); adverts every second, restarted by each answer.
   */
  @Test
  void theLabRunOfKeepalived_eventByEvent() {
    labRun(200 * MS);
    assertEquals(List.of("0 advert 255", "0 add", "0 garp 0", "0 INITIALIZE->MASTER", "200 garp 0",
        "1000 advert 255",
        "2000 advert 255", "2000 garp 0", "2200 garp 0",
        "3000 advert 255", "3000 garp 0", "3200 garp 0",
        "4000 advert 255", "5000 advert 255",
        "5500 heard lower", "5500 advert 255", "5500 garp 0", "5700 garp 0",
        "6000 heard lower", "6000 advert 255", "6000 garp 0", "6200 garp 0",
        "6500 garp 0", "6700 garp 0",
        "7000 advert 255", "7000 garp 0", "7200 garp 0",
        "8000 advert 255", "9000 advert 255"), out.log);
  }

  /**
   * The same run over IPv6 with vrrp_gna_interval 0.3, as keepalived 2.2.7 sent it in the lab: a burst asked for
   * while the limit holds waits a whole interval from the request (6.0 -> 6.3, not 6.1 when the limit ends), and is
   * one message: unsolicited NAs at 0, .3, 2, 2.3, 3, 3.3, 5.5, 5.8, 6.3, 6.8 (6.5's burst), 7.3 (7.0's).
   */
  @Test
  void theLabRunOfKeepalived_ipv6WithAnIntervalOf300Ms() {
    labRun(300 * MS);
    assertEquals(List.of("0", "300", "2000", "2300", "3000", "3300", "5500", "5800", "6300", "6800", "7300"),
        out.log.stream().filter(l -> l.endsWith("garp 0")).map(l -> l.substring(0, l.indexOf(' '))).toList());
  }

  /**
   * The settings of the lab run (advert 1 s, repeat 3, delay 2 s, refresh 3 s x 2, lower priority 2 / 1 s) with
   * this interval, an owner Master from 0, lower priorities heard at 5.5 and 6 s, run to 9.5 s.
   */
  private void labRun(long intervalNanos) {
    VrrpStateMachine m = master(255, new Announcing(1, 3, 2 * S, 3 * S, 2, 2, S, intervalNanos), false);
    receive(m, 5_500 * MS, 100, LOWER);
    receive(m, 6_000 * MS, 100, LOWER);
    runUntil(m, 9_500 * MS);
  }

  @Test
  void announcing_refusesNegativeCountsAndTimes() {
    assertThrows(IllegalArgumentException.class, () -> new Announcing(1, -1, 0, 0, 1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Announcing(0, 1, 0, 0, 1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Announcing(1, 1, 0, 0, 1, 0, 0, -1));
  }
}
