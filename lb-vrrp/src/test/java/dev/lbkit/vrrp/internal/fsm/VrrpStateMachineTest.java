package dev.lbkit.vrrp.internal.fsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.testkit.VrrpArbitraries;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 5798 6.4 state machine, event by event, with time moved by hand. */
final class VrrpStateMachineTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final InetAddress ME = VrrpArbitraries.parse("10.0.0.2");
  private static final InetAddress LOWER = VrrpArbitraries.parse("10.0.0.1");
  private static final InetAddress HIGHER = VrrpArbitraries.parse("10.0.0.3");
  private static final List<InetAddress> VIPS = List.of(VrrpArbitraries.parse("10.0.0.100"));

  /** Records what the machine asked for. */
  static final class Recording implements FsmOutput {
    final List<String> log = new ArrayList<>();

    @Override
    public void sendAdvertisement(int priority) {
      log.add("advert " + priority);
    }

    @Override
    public void addVirtualAddresses() {
      log.add("add");
    }

    @Override
    public void removeVirtualAddresses() {
      log.add("remove");
    }

    @Override
    public void announceVirtualAddresses() {
      log.add("garp");
    }

    @Override
    public void announceVirtualAddress(int index) {
      log.add("garp " + index);
    }

    @Override
    public void stateChanged(VrrpState from, VrrpState to, String reason) {
      log.add(from + "->" + to);
    }
  }

  private final Recording out = new Recording();

  private VrrpStateMachine machine(int version, int priority, long interval, boolean preempt, long preemptDelay) {
    return new VrrpStateMachine(new FsmConfig(version, priority, interval, preempt, preemptDelay, ME, 1, 0), out);
  }

  private static VrrpPacket v3(int priority, long intervalMs) {
    return VrrpPacket.v3(7, priority, Duration.ofMillis(intervalMs), VIPS);
  }

  @Test
  void startup_nonOwnerBecomesBackupAndFiresAfterMasterDownInterval() {
    VrrpStateMachine m = machine(2, 100, S, true, 0);
    m.start(0);
    assertEquals(VrrpState.BACKUP, m.state());
    // RFC 3768: 3 * 1 s + (256 - 100) / 256 s = 3.609375 s
    assertEquals(3_609_375_000L, m.nextDeadline());
    m.onTimer(3_609_374_999L);
    assertEquals(VrrpState.BACKUP, m.state());
    m.onTimer(3_609_375_000L);
    assertEquals(VrrpState.MASTER, m.state());
    assertEquals(List.of("INITIALIZE->BACKUP", "advert 100", "add", "garp", "BACKUP->MASTER"), out.log);
    assertEquals(3_609_375_000L + S, m.nextDeadline());
  }

  @Test
  void addressesFirst_addsTheAddressesBeforeTheAdvertisement_thenAnnounces() {
    VrrpStateMachine m = new VrrpStateMachine(new FsmConfig(3, 100, 100 * MS, true, 0, ME, 1, 0, true), out);
    m.start(0);
    m.onTimer(m.nextDeadline());
    assertEquals(List.of("INITIALIZE->BACKUP", "add", "advert 100", "garp", "BACKUP->MASTER"), out.log);
  }

  @Test
  void startup_ownerBecomesMasterAtOnce() {
    VrrpStateMachine m = machine(3, 255, 100 * MS, true, 0);
    m.start(5);
    assertEquals(VrrpState.MASTER, m.state());
    assertEquals(List.of("advert 255", "add", "garp", "INITIALIZE->MASTER"), out.log);
  }

  @Test
  void startAsBackup_ownerWaitsMasterDownIntervalLikeAnyBackup() {
    VrrpStateMachine m = machine(2, 255, S, true, 0);
    m.startAsBackup(0);
    assertEquals(VrrpState.BACKUP, m.state());
    // 3 * 1 s + (256 - 255) / 256 s
    assertEquals(3_003_906_250L, m.nextDeadline());
    m.onTimer(3_003_906_250L);
    assertEquals(List.of("INITIALIZE->BACKUP", "advert 255", "add", "garp", "BACKUP->MASTER"), out.log);
  }

  @Test
  void resume_keepsMasterWithoutATransition_andAdvertisesAtOnce() {
    VrrpStateMachine m = machine(2, 150, S, true, 0);
    m.resume(VrrpState.MASTER, 7 * S, "reload");
    assertEquals(VrrpState.MASTER, m.state());
    assertEquals(List.of("advert 150"), out.log);
    assertEquals(8 * S, m.nextDeadline());
    VrrpStateMachine b = machine(2, 100, S, true, 0);
    b.resume(VrrpState.BACKUP, 7 * S, "reload");
    assertEquals(VrrpState.BACKUP, b.state());
    assertEquals(7 * S + 3_609_375_000L, b.nextDeadline());
    assertEquals(List.of("advert 150"), out.log, "a Backup resumes silently");
  }

  @Test
  void backup_v3SkewUsesMasterAdverInterval() {
    VrrpStateMachine m = machine(3, 100, 100 * MS, true, 0);
    m.start(0);
    // 3 * 100 ms + 156/256 * 100 ms = 360.9375 ms
    assertEquals(360_937_500L, m.nextDeadline());
    // a master advertising every 1 s teaches the backup its interval (RFC 5798 6.4.2)
    m.onAdvertisement(v3(150, 1000), HIGHER, 10 * MS);
    assertEquals(10 * MS + 3 * S + 156 * S / 256, m.nextDeadline());
  }

  @Test
  void backup_priorityZeroArmsSkewTime() {
    VrrpStateMachine m = machine(2, 100, S, true, 0);
    m.start(0);
    m.onAdvertisement(VrrpPacket.v2(7, 0, Duration.ofSeconds(1), 0, new byte[8], VIPS), HIGHER, S);
    assertEquals(S + 156 * S / 256, m.nextDeadline());
  }

  @Test
  void backup_withPreemptIgnoresLowerPriorityMaster() {
    VrrpStateMachine m = machine(3, 100, S, true, 0);
    m.start(0);
    long deadline = m.nextDeadline();
    m.onAdvertisement(v3(50, 1000), HIGHER, S);
    assertEquals(deadline, m.nextDeadline());
    m.onAdvertisement(v3(100, 1000), LOWER, S);
    assertEquals(S + 3 * S + 156 * S / 256, m.nextDeadline());
  }

  @Test
  void backup_withoutPreemptAcceptsLowerPriorityMaster() {
    VrrpStateMachine m = machine(3, 200, S, false, 0);
    m.start(0);
    m.onAdvertisement(v3(50, 1000), LOWER, 2 * S);
    assertEquals(2 * S + 3 * S + 56 * S / 256, m.nextDeadline());
  }

  @Test
  void backup_preemptDelayHoldsOffPreemptionUntilItEnds() {
    VrrpStateMachine m = machine(3, 200, S, true, 10 * S);
    m.start(0);
    m.onAdvertisement(v3(50, 1000), LOWER, 9 * S);
    assertEquals(9 * S + 3 * S + 56 * S / 256, m.nextDeadline());
    m.onAdvertisement(v3(50, 1000), LOWER, 10 * S);
    assertEquals(9 * S + 3 * S + 56 * S / 256, m.nextDeadline(), "after the delay the lower master is ignored");
  }

  @Test
  void master_stepsDownForHigherPriority() {
    VrrpStateMachine m = machine(3, 100, S, true, 0);
    m.start(0);
    m.onTimer(m.nextDeadline());
    out.log.clear();
    m.onAdvertisement(v3(101, 1000), LOWER, 5 * S);
    assertEquals(VrrpState.BACKUP, m.state());
    assertEquals(List.of("remove", "MASTER->BACKUP"), out.log);
    assertEquals(5 * S + 3 * S + 156 * S / 256, m.nextDeadline());
  }

  @Test
  void master_tieBreakOnPrimaryAddress() {
    VrrpStateMachine m = machine(3, 100, S, true, 0);
    m.start(0);
    m.onTimer(m.nextDeadline());
    m.onAdvertisement(v3(100, 1000), LOWER, 5 * S);
    assertEquals(VrrpState.MASTER, m.state(), "equal priority from a lower address is discarded");
    m.onAdvertisement(v3(100, 1000), HIGHER, 5 * S);
    assertEquals(VrrpState.BACKUP, m.state(), "equal priority from a higher address wins");
  }

  @Test
  void master_tieBreakComparesAddressesUnsigned() {
    assertTrue(VrrpStateMachine.compareUnsigned(VrrpArbitraries.parse("200.0.0.1"),
        VrrpArbitraries.parse("10.0.0.1")) > 0);
  }

  @Test
  void master_answersPriorityZeroAtOnce() {
    VrrpStateMachine m = machine(3, 100, S, true, 0);
    m.start(0);
    m.onTimer(m.nextDeadline());
    out.log.clear();
    m.onAdvertisement(v3(0, 1000), HIGHER, 5 * S);
    assertEquals(List.of("advert 100"), out.log);
    assertEquals(VrrpState.MASTER, m.state());
    assertEquals(6 * S, m.nextDeadline());
  }

  @Test
  void shutdown_masterResignsWithPriorityZero() {
    VrrpStateMachine m = machine(3, 100, S, true, 0);
    m.start(0);
    m.onTimer(m.nextDeadline());
    out.log.clear();
    m.shutdown(5 * S, "stop");
    assertEquals(List.of("advert 0", "remove", "MASTER->INITIALIZE"), out.log);
    assertEquals(Long.MAX_VALUE, m.nextDeadline());
  }

  @Test
  void fault_masterResignsAndRecoversToBackup() {
    VrrpStateMachine m = machine(3, 100, S, true, 0);
    m.start(0);
    m.onTimer(m.nextDeadline());
    out.log.clear();
    m.setFault(true, 5 * S, "eth1 down");
    assertEquals(List.of("advert 0", "remove", "MASTER->FAULT"), out.log);
    m.onAdvertisement(v3(50, 1000), LOWER, 6 * S);
    assertEquals(Long.MAX_VALUE, m.nextDeadline(), "Fault takes no part");
    m.setFault(false, 7 * S, "eth1 up");
    assertEquals(VrrpState.BACKUP, m.state());
  }

  @Test
  void priorityChange_masterAdvertisesAtOnce() {
    VrrpStateMachine m = machine(3, 100, S, true, 0);
    m.start(0);
    m.onTimer(m.nextDeadline());
    out.log.clear();
    m.setPriority(60, 5 * S);
    assertEquals(List.of("advert 60"), out.log);
    m.setPriority(300, 5 * S);
    assertEquals(254, m.priority(), "tracking never makes a non-owner 255");
  }

  @Test
  void garp_secondBurstAfterDelay() {
    VrrpStateMachine m = new VrrpStateMachine(new FsmConfig(3, 255, S, true, 0, ME, 2, 5 * S), out);
    m.start(0);
    assertEquals(2, out.log.stream().filter("garp"::equals).count());
    m.onTimer(5 * S);
    assertEquals(4, out.log.stream().filter("garp"::equals).count());
    m.onTimer(10 * S);
    assertEquals(4, out.log.stream().filter("garp"::equals).count(), "two bursts only");
  }
}
