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
   */
  private static final long NONE = Long.MAX_VALUE;
  private static final long SECOND = 1_000_000_000L;

  private final FsmConfig config;
  private final FsmOutput out;
  private VrrpState state = VrrpState.INITIALIZE;
  private int priority;
  private long masterAdverIntervalNanos;
  private long masterDownDeadline = NONE;
  private long adverDeadline = NONE;
  private long garpDeadline = NONE;
  private long preemptAllowedAt;
  private InetAddress masterAddress;

  public VrrpStateMachine(FsmConfig config, FsmOutput out) {
    this.config = requireNonNull(config, "config");
    this.out = requireNonNull(out, "out");
    this.priority = config.priority();
    this.masterAdverIntervalNanos = config.advertIntervalNanos();
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

  /** The earliest time {@link #onTimer} has work, or {@link Long#MAX_VALUE} for none. */
  public long nextDeadline() {
    return Math.min(masterDownDeadline, Math.min(adverDeadline, garpDeadline));
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
    } else if (previous == VrrpState.BACKUP) {
      state = VrrpState.BACKUP;
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
      garpDeadline = NONE;
      out.sendAdvertisement(0);
      out.removeVirtualAddresses();
      masterDownDeadline = now + masterDownIntervalNanos();
      masterAddress = null;
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
      garpDeadline = NONE;
      if (config.version() == 3) {
        masterAdverIntervalNanos = packet.advertInterval().toNanos();
      }
      masterDownDeadline = now + masterDownIntervalNanos();
      masterAddress = source;
      out.removeVirtualAddresses();
      transition(VrrpState.BACKUP, "higher priority " + packet.priority() + " from " + source.getHostAddress());
    }
    // else: discard (RFC 5798 6.4.3)
  }

  /** Runs the timers due at {@code now}. */
  public void onTimer(long now) {
    if (state == VrrpState.BACKUP && now >= masterDownDeadline) {
      becomeMaster(now, "master down timer expired");
      return;
    }
    if (state == VrrpState.MASTER) {
      if (now >= adverDeadline) {
        out.sendAdvertisement(priority);
        adverDeadline = now + config.advertIntervalNanos();
      }
      if (now >= garpDeadline) {
        garpDeadline = NONE;
        announce();
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
    announce();
    adverDeadline = now + config.advertIntervalNanos();
    garpDeadline = config.garpDelayNanos() > 0 ? now + config.garpDelayNanos() : NONE;
    masterAddress = config.primaryAddress();
    masterAdverIntervalNanos = config.advertIntervalNanos();
    transition(VrrpState.MASTER, reason);
  }

  private void announce() {
    for (int i = 0; i < config.garpRepeat(); i++) {
      out.announceVirtualAddresses();
    }
  }

  private void cancelTimers() {
    masterDownDeadline = NONE;
    adverDeadline = NONE;
    garpDeadline = NONE;
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
