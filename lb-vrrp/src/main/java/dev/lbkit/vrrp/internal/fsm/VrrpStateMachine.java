package dev.lbkit.vrrp.internal.fsm;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The VRRP state machine of RFC 5798 section 6.4 (and RFC 3768 6.4 for version 2), plus keepalived's Fault state.
 * No I/O and no clock: every input carries the current time in nanoseconds of the owner's ticker, effects go to a
 * {@link FsmOutput}, and {@link #nextDeadline()} says when {@link #onTimer(long)} must run next. Not thread-safe:
 * one owner thread drives it.
 */
public final class VrrpStateMachine {
  /*
   * How it works, in the RFC's terms:
   *
   *   Skew_Time            = ((256 - Priority) * Master_Adver_Interval) / 256    (v3; v2 uses 1 s for the interval)
   *   Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time
   *
   * Initialize --start--> Master when we own the addresses (priority 255), else Backup with the master-down timer
   * armed. A Backup re-arms the timer on every advertisement it accepts (any, when preemption is off or delayed; one
   * of equal or higher priority otherwise) and arms it to Skew_Time on a priority-0 advertisement, so the best backup
   * fires first. When the timer fires it becomes Master: advertise and take the addresses (in the order the config
   * says), announce them. A Master re-advertises every Advertisement_Interval, answers a priority-0 advertisement
   * with one of its own, and steps down to Backup on an advertisement of higher priority, or of equal priority from a higher primary address
   * (compared as unsigned bytes). Shutdown from Master sends priority 0 first. Fault (keepalived) is entered when a
   * tracked object fails: a Master resigns as on shutdown, and no timers run until the fault clears, which restarts
   * the instance as from Initialize.
   *
   * The effective priority may move between 1 and 254 with tracking; 255 is only ever the configured owner value.
   * In v3 the Backup learns Master_Adver_Interval from the Master's advertisements (RFC 5798 6.4.2).
   *
   * Announcements (gratuitous ARP / unsolicited NA) follow keepalived 2.2.7 (vrrp.c, vrrp_scheduler.c, vrrp_arp.c,
   * vrrp_ndisc.c), as observed on the wire in the lab:
   *   - on becoming Master a burst of garp_master_repeat per address, another garp_master_delay later;
   *   - garp_master_refresh: with the first periodic advertisement at or after refresh time since the last refresh
   *     (or the takeover), a burst of garp_master_refresh_repeat right after that advertisement;
   *   - a Master hearing a lower priority (RFC 5798 6.4.3 discards it) answers with an advertisement unless
   *     lower_prio_no_advert, which also restarts its advertisement timer, then a burst of garp_lower_prio_repeat and
   *     another garp_lower_prio_delay later: every such advertisement starts its own pair;
   *   - vrrp_garp_interval / vrrp_gna_interval: a rate limit. An announcement goes out at once when the last one is
   *     at least the interval old; otherwise its address is marked pending, once however many are asked for, and a
   *     wake-up is set an interval after that request (unless one is set sooner). At the wake-up the pending
   *     addresses go out in order, one per interval. So keepalived's burst of 3 with an interval is 2 on the wire
   *     (one now, one an interval later), and a burst asked for 0.2 s after the last message with an interval of
   *     0.3 s is one message 0.3 s after the request, not 0.1 s: both seen in the lab; lbkit does the same.
   *     keepalived keeps that limit per interface across instances, lbkit per instance. Leaving Master drops what is
   *     pending.
   *
   * Sync groups (keepalived's vrrp_sync_group, not in the RFCs): a Backup whose timer fired wants Master, and keeps
   * wanting it until it accepts an advertisement again or leaves Backup. It takes over only if its owner agrees
   * (FsmOutput.mayBecomeMaster: every other member of its group wants Master too); otherwise it re-arms the timer and
   * waits, so a group whose members disagree stays Backup rather than thrash (keepalived vrrp_sync.c).
   */
  private static final long NONE = Long.MAX_VALUE;
  private static final long SECOND = 1_000_000_000L;
  /**
   * Second lower-priority bursts waiting at once; keepalived keeps a timer for every such advertisement. A peer that
   * floods lower priorities gets an immediate burst for each, so dropping delayed ones past this loses nothing.
   */
  static final int MAX_LOWER_PRIO_PENDING = 64;

  private final FsmConfig config;
  private final FsmOutput out;
  private VrrpState state = VrrpState.INITIALIZE;
  private int priority;
  private long masterAdverIntervalNanos;
  private long masterDownDeadline = NONE;
  private long adverDeadline = NONE;
  private long garpDeadline = NONE;
  private long refreshDeadline = NONE; // not a wake-up: checked when an advertisement goes out
  private final boolean[] pending; // by address index, rate-limited announcements still to send
  private int pendingCount;
  private long announceAllowedAt = Long.MIN_VALUE;
  private long pendingWakeAt = NONE;
  // second lower-priority bursts due, oldest first: a ring, each entry now + the same delay, so in time order
  private final long[] lowerPrioDue = new long[MAX_LOWER_PRIO_PENDING];
  private int lowerPrioHead;
  private int lowerPrioCount;
  private long preemptAllowedAt;
  private InetAddress masterAddress;
  private boolean wantsMaster;

  public VrrpStateMachine(FsmConfig config, FsmOutput out) {
    this.config = requireNonNull(config, "config");
    this.out = requireNonNull(out, "out");
    this.priority = config.priority();
    this.masterAdverIntervalNanos = config.advertIntervalNanos();
    this.pending = new boolean[config.announcing().addresses()];
  }

  public VrrpState state() {
    return state;
  }

  /** The priority advertised now: configured, less tracking. */
  public int priority() {
    return priority;
  }

  /** The current master's address as last seen (ours when Master), or null. */
  public InetAddress masterAddress() {
    return masterAddress;
  }

  /** Master_Adver_Interval in nanoseconds. */
  public long masterAdverIntervalNanos() {
    return masterAdverIntervalNanos;
  }

  /** Skew_Time for our current priority. */
  public long skewNanos() {
    long interval = config.version() == 2 ? SECOND : masterAdverIntervalNanos;
    return (256 - priority) * interval / 256;
  }

  /** Master_Down_Interval for our current priority. */
  public long masterDownIntervalNanos() {
    return 3 * masterAdverIntervalNanos + skewNanos();
  }

  /**
   * True while Master, and while a Backup whose master-down timer fired waits for its sync group's consent (see
   * {@link FsmOutput#mayBecomeMaster()}): keepalived's wantstate MASTER.
   */
  public boolean wantsMaster() {
    return state == VrrpState.MASTER || (state == VrrpState.BACKUP && wantsMaster);
  }

  /** The earliest time {@link #onTimer} has work, or {@link Long#MAX_VALUE} for none. */
  public long nextDeadline() {
    long announcing = Math.min(garpDeadline, pendingWakeAt);
    if (lowerPrioCount > 0) {
      announcing = Math.min(announcing, lowerPrioDue[lowerPrioHead]);
    }
    return Math.min(masterDownDeadline, Math.min(adverDeadline, announcing));
  }

  /**
   * When the master-down timer fires, or {@link Long#MAX_VALUE} when it is not armed (any state but Backup). The
   * owner may watch this deadline more closely than the others: it is the one a takeover waits for.
   */
  public long masterDownDeadline() {
    return masterDownDeadline;
  }

  /** RFC 5798 6.4.1: the Startup event. */
  public void start(long now) {
    if (state != VrrpState.INITIALIZE) {
      return;
    }
    preemptAllowedAt = now + config.preemptDelayNanos();
    enterFromInitialize(now, "startup");
  }

  /**
   * The Startup event for an address owner that is to start as Backup (keepalived's {@code state BACKUP} with
   * priority 255): it waits Master_Down_Interval like any Backup instead of taking over at once.
   */
  public void startAsBackup(long now) {
    if (state != VrrpState.INITIALIZE) {
      return;
    }
    preemptAllowedAt = now + config.preemptDelayNanos();
    enterBackup(now, "startup");
  }

  private void enterFromInitialize(long now, String reason) {
    if (priority == 255) {
      becomeMaster(now, reason + ", address owner (priority 255)");
    } else {
      enterBackup(now, reason);
    }
  }

  private void enterBackup(long now, String reason) {
    wantsMaster = false;
    masterAdverIntervalNanos = config.advertIntervalNanos();
    masterDownDeadline = now + masterDownIntervalNanos();
    masterAddress = null;
    transition(VrrpState.BACKUP, reason);
  }

  /**
   * Takes over from a machine of the previous configuration after a reload, keeping its Master or Backup state
   * without a transition, as keepalived does on a reload: a Master advertises at once (its virtual addresses are the
   * owner's business), a Backup arms a fresh master-down timer. Any other state starts as {@link #start} does.
   */
  public void resume(VrrpState previous, long now, String reason) {
    if (state != VrrpState.INITIALIZE) {
      return;
    }
    preemptAllowedAt = now + config.preemptDelayNanos();
    if (previous == VrrpState.MASTER) {
      state = VrrpState.MASTER;
      masterAddress = config.primaryAddress();
      masterAdverIntervalNanos = config.advertIntervalNanos();
      out.sendAdvertisement(priority);
      adverDeadline = now + config.advertIntervalNanos();
      refreshDeadline = refreshFrom(now);
    } else if (previous == VrrpState.BACKUP) {
      state = VrrpState.BACKUP;
      wantsMaster = false;
      masterAdverIntervalNanos = config.advertIntervalNanos();
      masterDownDeadline = now + masterDownIntervalNanos();
    } else {
      enterFromInitialize(now, reason);
    }
  }

  /** RFC 5798 6.4.2 / 6.4.3: the Shutdown event; a Master resigns with priority 0. */
  public void shutdown(long now, String reason) {
    if (state == VrrpState.MASTER) {
      out.sendAdvertisement(0);
      out.removeVirtualAddresses();
    }
    cancelTimers();
    masterAddress = null;
    transition(VrrpState.INITIALIZE, reason);
  }

  /**
   * A tracked object failed or recovered (keepalived's FAULT). While faulty the instance takes no part; on recovery
   * it restarts as from Initialize and preemption is delayed again.
   */
  public void setFault(boolean fault, long now, String reason) {
    if (fault && state != VrrpState.FAULT) {
      if (state == VrrpState.MASTER) {
        out.sendAdvertisement(0);
        out.removeVirtualAddresses();
      }
      cancelTimers();
      masterAddress = null;
      transition(VrrpState.FAULT, reason);
    } else if (!fault && state == VrrpState.FAULT) {
      preemptAllowedAt = now + config.preemptDelayNanos();
      enterFromInitialize(now, reason);
    }
  }

  /**
   * Changes the effective priority (tracking). The owner's 255 is not changed by tracking; others stay in [1, 254].
   */
  public void setPriority(int newPriority, long now) {
    if (config.priority() == 255) {
      return;
    }
    int p = Math.max(1, Math.min(254, newPriority));
    if (p == priority) {
      return;
    }
    priority = p;
    if (state == VrrpState.MASTER) {
      // tell the backups at once, so one with a now higher priority can preempt without waiting an interval
      out.sendAdvertisement(priority);
      adverDeadline = now + config.advertIntervalNanos();
    }
  }

  /** Forces Master (sync group: another member became Master). */
  public void forceMaster(long now, String reason) {
    if (state == VrrpState.BACKUP) {
      becomeMaster(now, reason);
    }
  }

  /** Forces Backup (sync group: another member became Backup). */
  public void forceBackup(long now, String reason) {
    if (state == VrrpState.MASTER) {
      adverDeadline = NONE;
      stopAnnouncing();
      out.sendAdvertisement(0);
      out.removeVirtualAddresses();
      masterDownDeadline = now + masterDownIntervalNanos();
      masterAddress = null;
      wantsMaster = false;
      transition(VrrpState.BACKUP, reason);
    }
  }

  /**
   * An advertisement that passed every receive check (RFC 5798 7.1) arrived from {@code source}.
   */
  public void onAdvertisement(VrrpPacket packet, InetAddress source, long now) {
    switch (state) {
      case BACKUP -> backupReceives(packet, source, now);
      case MASTER -> masterReceives(packet, source, now);
      case INITIALIZE, FAULT -> {
        // RFC 5798 6.4.1: Initialize ignores advertisements; keepalived's Fault likewise
      }
    }
  }

  private void backupReceives(VrrpPacket packet, InetAddress source, long now) {
    if (packet.priority() == 0) {
      // RFC 5798 6.4.2: the master resigned; the best backup fires first after its skew
      masterDownDeadline = now + skewNanos();
      masterAddress = null;
      return;
    }
    boolean preemptNow = config.preempt() && now >= preemptAllowedAt;
    if (!preemptNow || packet.priority() >= priority) {
      if (config.version() == 3) {
        masterAdverIntervalNanos = packet.advertInterval().toNanos();
      }
      masterDownDeadline = now + masterDownIntervalNanos();
      masterAddress = source;
      wantsMaster = false;
    }
    // else: discard, and take over when the master-down timer fires
  }

  private void masterReceives(VrrpPacket packet, InetAddress source, long now) {
    if (packet.priority() == 0) {
      // RFC 5798 6.4.3: answer a resignation at once so the backups keep us
      out.sendAdvertisement(priority);
      adverDeadline = now + config.advertIntervalNanos();
      return;
    }
    boolean higher = packet.priority() > priority
        || (packet.priority() == priority && compareUnsigned(source, config.primaryAddress()) > 0);
    if (higher) {
      adverDeadline = NONE;
      stopAnnouncing();
      if (config.version() == 3) {
        masterAdverIntervalNanos = packet.advertInterval().toNanos();
      }
      masterDownDeadline = now + masterDownIntervalNanos();
      masterAddress = source;
      wantsMaster = false;
      out.removeVirtualAddresses();
      transition(VrrpState.BACKUP, "higher priority " + packet.priority() + " from " + source.getHostAddress());
      return;
    }
    // lower: RFC 5798 6.4.3 discards it; keepalived answers so the other stops claiming, and refreshes the neighbours
    out.heardLowerPriority();
    if (!config.lowerPrioNoAdvert()) {
      out.sendAdvertisement(priority);
      adverDeadline = now + config.advertIntervalNanos();
    }
    Announcing a = config.announcing();
    if (a.lowerPrioRepeat() > 0) {
      announce(now, a.lowerPrioRepeat());
      if (a.lowerPrioDelayNanos() > 0 && lowerPrioCount < MAX_LOWER_PRIO_PENDING) {
        lowerPrioDue[(lowerPrioHead + lowerPrioCount) % MAX_LOWER_PRIO_PENDING] = now + a.lowerPrioDelayNanos();
        lowerPrioCount++;
      }
    }
  }

  /** Runs the timers due at {@code now}. */
  public void onTimer(long now) {
    if (state == VrrpState.BACKUP && now >= masterDownDeadline) {
      wantsMaster = true;
      if (!out.mayBecomeMaster()) {
        // a sync group member does not want Master yet: stay Backup, wanting it, and look again an interval later
        masterDownDeadline = now + masterDownIntervalNanos();
        return;
      }
      becomeMaster(now, "master down timer expired");
      return;
    }
    if (state == VrrpState.MASTER) {
      if (now >= pendingWakeAt) {
        sendPending(now);
      }
      if (now >= adverDeadline) {
        out.sendAdvertisement(priority);
        adverDeadline = now + config.advertIntervalNanos();
        if (now >= refreshDeadline) {
          refreshDeadline = refreshFrom(now);
          announce(now, config.announcing().refreshRepeat());
        }
      }
      if (now >= garpDeadline) {
        garpDeadline = NONE;
        announce(now, config.announcing().repeat());
      }
      while (lowerPrioCount > 0 && now >= lowerPrioDue[lowerPrioHead]) {
        lowerPrioHead = (lowerPrioHead + 1) % MAX_LOWER_PRIO_PENDING;
        lowerPrioCount--;
        announce(now, config.announcing().lowerPrioRepeat());
      }
    }
  }

  private void becomeMaster(long now, String reason) {
    masterDownDeadline = NONE;
    if (config.addressesFirst()) {
      out.addVirtualAddresses();
      out.sendAdvertisement(priority);
    } else {
      out.sendAdvertisement(priority);
      out.addVirtualAddresses();
    }
    announce(now, config.announcing().repeat());
    adverDeadline = now + config.advertIntervalNanos();
    long delay = config.announcing().delayNanos();
    garpDeadline = delay > 0 ? now + delay : NONE;
    refreshDeadline = refreshFrom(now);
    masterAddress = config.primaryAddress();
    masterAdverIntervalNanos = config.advertIntervalNanos();
    transition(VrrpState.MASTER, reason);
  }

  /** A burst of {@code repeat} announcements of every address, at once or through the rate limit. */
  private void announce(long now, int repeat) {
    if (config.announcing().intervalNanos() == 0) {
      for (int i = 0; i < repeat; i++) {
        out.announceVirtualAddresses();
      }
      return;
    }
    for (int r = 0; r < repeat; r++) {
      for (int i = 0; i < pending.length; i++) {
        if (now >= announceAllowedAt) {
          announceOne(i, now);
        } else {
          if (!pending[i]) {
            pending[i] = true; // keepalived's garp_gna_pending: one flag, however many were asked for
            pendingCount++;
          }
          pendingWakeAt = Math.min(pendingWakeAt, now + config.announcing().intervalNanos());
        }
      }
    }
  }

  /**
   * The wake-up: sends the pending addresses in order while the rate limit allows (one, as the interval is positive),
   * and wakes again when the next may go.
   */
  private void sendPending(long now) {
    pendingWakeAt = NONE;
    for (int i = 0; i < pending.length && pendingCount > 0 && now >= announceAllowedAt; i++) {
      if (pending[i]) {
        pending[i] = false;
        pendingCount--;
        announceOne(i, now);
      }
    }
    if (pendingCount > 0) {
      pendingWakeAt = announceAllowedAt;
    }
  }

  private void announceOne(int index, long now) {
    out.announceVirtualAddress(index);
    announceAllowedAt = now + config.announcing().intervalNanos();
  }

  private long refreshFrom(long now) {
    long refresh = config.announcing().refreshNanos();
    return refresh > 0 ? now + refresh : NONE;
  }

  /** Leaving Master: no more bursts, and what the rate limit held back is dropped (keepalived likewise). */
  private void stopAnnouncing() {
    garpDeadline = NONE;
    refreshDeadline = NONE;
    lowerPrioCount = 0;
    pendingWakeAt = NONE;
    if (pendingCount > 0) {
      java.util.Arrays.fill(pending, false);
      pendingCount = 0;
    }
  }

  private void cancelTimers() {
    masterDownDeadline = NONE;
    adverDeadline = NONE;
    stopAnnouncing();
  }

  private void transition(VrrpState to, String reason) {
    VrrpState from = state;
    state = to;
    if (from != to) {
      out.stateChanged(from, to, reason);
    }
  }

  /** Compares addresses as unsigned big-endian numbers (RFC 5798 6.4.3's "primary IP address is larger"). */
  public static int compareUnsigned(InetAddress a, InetAddress b) {
    return Arrays.compareUnsigned(a.getAddress(), b.getAddress());
  }
}
