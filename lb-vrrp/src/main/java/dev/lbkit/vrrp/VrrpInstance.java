package dev.lbkit.vrrp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Beta;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.internal.codec.AuthenticationHeader;
import dev.lbkit.vrrp.internal.codec.Decoded;
import dev.lbkit.vrrp.internal.codec.Rejection;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.internal.fsm.Announcing;
import dev.lbkit.vrrp.internal.fsm.FsmConfig;
import dev.lbkit.vrrp.internal.fsm.FsmOutput;
import dev.lbkit.vrrp.internal.fsm.ReceiveChecks;
import dev.lbkit.vrrp.internal.fsm.VrrpStateMachine;
import dev.lbkit.vrrp.spi.TrafficFilterException;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VRRP instance (one VRID on one interface) inside a {@link VrrpRouter}. The router creates and drives it; this
 * class is its read-only view. The getters may be called from any thread and return the latest published values.
 */
@Beta
public final class VrrpInstance {
  private static final Logger log = LoggerFactory.getLogger(VrrpInstance.class);

  private final VrrpConfig config;
  private final VrrpRouter router;
  private final Counters counters;
  private final Set<Rejection> loggedRejections = EnumSet.noneOf(Rejection.class);
  private VrrpStateMachine fsm;
  private ReceiveChecks checks;
  private InetAddress primaryAddress;
  private List<InetAddress> destinations;
  // advertisements encoded ahead, by advertised priority: a takeover (and every Master tick) only sends bytes; the
  // configured priority is encoded at init, so even a Backup's first advertisement does no encoding
  private final Map<Integer, List<VrrpDatagram>> advertisements = new HashMap<>();
  private final Output output = new Output();
  private AhSession ah; // keepalived's auth_type AH, else null
  private long lowerPrioritySequence = -1; // the AH sequence number of the datagram being admitted, else -1
  private volatile boolean vipsHeld;
  private volatile boolean blocked;
  private boolean ownFault;
  private boolean sendFailing;
  private volatile VrrpState state = VrrpState.INITIALIZE;
  private volatile int priority;
  private volatile InetAddress master;

  VrrpInstance(VrrpConfig config, VrrpRouter router) {
    this(config, router, new Counters());
  }

  /** An instance that continues the counters of the one it replaces (a reload). */
  VrrpInstance(VrrpConfig config, VrrpRouter router, Counters counters) {
    this.config = requireNonNull(config, "config");
    this.router = router;
    this.counters = requireNonNull(counters, "counters");
    this.priority = config.priority();
  }

  public String name() {
    return config.name();
  }

  public VrrpConfig config() {
    return config;
  }

  public VrrpState state() {
    return state;
  }

  /** The priority advertised now (configured, adjusted by tracking). */
  public int priority() {
    return priority;
  }

  /** The current Master's address as last seen (ours when Master); empty when unknown. */
  public Optional<InetAddress> masterAddress() {
    return Optional.ofNullable(master);
  }

  /** Whether this instance has its virtual addresses configured right now. */
  public boolean holdsVirtualAddresses() {
    return vipsHeld;
  }

  public VrrpStats stats() {
    return counters.snapshot();
  }

  @Override
  public String toString() {
    return "VrrpInstance{" + config.name() + " vrid " + config.vrid() + " " + state + " prio " + priority + "}";
  }

  // ---- engine thread ----

  /**
   * Readies the instance in Initialize: tracking may then put it straight into Fault (as keepalived does with an
   * object that is down at startup) before {@link #begin} starts the rest.
   */
  void prepare(InetAddress primary) {
    init(primary);
    publish();
  }

  /** The Startup event, unless tracking already put the instance in Fault. */
  void begin(long now) {
    if (fsm.state() == VrrpState.INITIALIZE) {
      if (config.ownerStartsAsMaster()) {
        fsm.start(now);
      } else {
        fsm.startAsBackup(now);
      }
    }
    publish();
  }

  /**
   * Starts in place of {@code previous}, an instance of the same VRID, interface and family from the configuration
   * before a reload, keeping its state as keepalived does: a Master stays Master, removes the virtual addresses the
   * new configuration dropped, adds and announces the ones it added, and advertises at once; a Backup stays Backup.
   * No state change is reported for a kept state. {@code previous} must be stopped without resigning.
   */
  void resume(VrrpInstance previous, InetAddress primary, long now) {
    init(primary);
    if (ah != null && previous.ah != null && java.util.Arrays.equals(ah.key(), previous.ah.key())) {
      ah.continueFrom(previous.ah); // the peers know our sequence numbers: going back to 1 would make us unheard
    }
    VrrpState before = previous.state;
    if (before == VrrpState.MASTER) {
      // same interface (that is how the two were matched): only the difference in addresses changes
      if (config.filtersTraffic()) {
        filter(true); // accept mode off: the new set is blocked before anything is added (blocking is idempotent)
      }
      List<VirtualAddress> kept = previous.config.virtualAddresses();
      List<VirtualAddress> dropped = kept.stream().filter(a -> !config.virtualAddresses().contains(a)).toList();
      dropped.forEach(this::removeAddress);
      if (previous.blocksTraffic()) {
        List<VirtualAddress> unblock = config.filtersTraffic() ? dropped : kept;
        if (!unblock.isEmpty()) {
          filter(false, unblock);
        }
        blocked = config.filtersTraffic();
      }
      vipsHeld = true;
      List<VirtualAddress> added = config.virtualAddresses().stream().filter(a -> !kept.contains(a)).toList();
      added.forEach(this::addAddress);
      fsm.resume(before, now, "reload");
      for (int i = 0; i < config.garpRepeat(); i++) {
        added.forEach(this::announceAddress);
      }
    } else {
      fsm.resume(before, now, "reload");
    }
    publish();
  }

  /** Forgets the state machine without resigning: a reload hands the state to a successor. */
  void detach() {
    fsm = null;
  }

  /*
   * On becoming Master the addresses go first and the advertisement right after, as keepalived 2.2.7 does (VIPs,
   * gratuitous ARPs, then the advertisement): clients can use the address a netlink round trip (~0.3 ms) sooner, the
   * advertisement leaves that much later. An instance with accept mode off keeps the advertisement first: its
   * addresses wait for the nftables rule, a process run, which would hold the advertisement up by milliseconds.
   */
  private void init(InetAddress primary) {
    this.primaryAddress = primary;
    this.destinations = config.unicastPeers().isEmpty() ? List.of(VrrpRouter.multicastGroup(config.family()))
        : config.unicastPeers();
    this.ah = config.authType() == VrrpConfig.AuthType.AH
        ? new AhSession(config.passwordBytes(), !config.unicastPeers().isEmpty()) : null;
    this.checks = new ReceiveChecks(config.version(), config.advertInterval(), authTypeCode(), config.authData(),
        config.virtualAddresses().stream().map(VirtualAddress::address).toList(), primary);
    this.fsm = new VrrpStateMachine(new FsmConfig(config.version(), config.priority(),
        config.advertInterval().toNanos(), config.preempt(), config.preemptDelay().toNanos(), primary,
        announcing(config), !config.filtersTraffic(), config.lowerPrioNoAdvert()), output);
    advertisements.clear();
    advertisements(config.priority());
    try {
      router.addresses().prepare(config.interfaceName(), config.virtualAddresses());
    } catch (IOException e) {
      log.debug("{}: cannot look up {} ahead; will when taking over", config.name(), config.interfaceName(), e);
    }
  }

  /** The configuration's gratuitous ARP / unsolicited NA settings, with the interval of its address family. */
  static Announcing announcing(VrrpConfig config) {
    java.time.Duration interval = config.family() == dev.lbkit.api.AddressFamily.IPV4 ? config.garpInterval()
        : config.gnaInterval();
    return new Announcing(config.virtualAddresses().size(), config.garpRepeat(), config.garpDelay().toNanos(),
        config.garpRefresh().toNanos(), config.garpRefreshRepeat(), config.garpLowerPrioRepeat(),
        config.garpLowerPrioDelay().toNanos(), interval.toNanos());
  }

  /** The advertisement datagrams (one per destination) for a priority, encoded once. */
  private List<VrrpDatagram> advertisements(int advertisedPriority) {
    List<VrrpDatagram> ready = advertisements.get(advertisedPriority);
    if (ready != null) {
      return ready;
    }
    List<InetAddress> vips = config.virtualAddresses().stream().map(VirtualAddress::address).toList();
    VrrpPacket packet = config.version() == 2
        ? VrrpPacket.v2(config.vrid(), advertisedPriority, config.advertInterval(),
            authTypeCode(), config.authData(), vips)
        : VrrpPacket.v3(config.vrid(), advertisedPriority, config.advertInterval(), vips);
    List<VrrpDatagram> datagrams = new ArrayList<>(destinations.size());
    for (InetAddress destination : destinations) {
      datagrams.add(new VrrpDatagram(config.interfaceName(), primaryAddress, destination, VrrpCodec.REQUIRED_TTL,
          VrrpCodec.encode(packet, primaryAddress, destination)));
    }
    ready = List.copyOf(datagrams);
    advertisements.put(advertisedPriority, ready); // at most 256 priorities
    return ready;
  }

  /** The v2 auth type field: 0 none, 1 simple password, 2 IPsec-AH. */
  private int authTypeCode() {
    return switch (config.authType()) {
      case NONE -> VrrpPacket.AUTH_NONE;
      case PASS -> VrrpPacket.AUTH_PASS;
      case AH -> VrrpPacket.AUTH_AH;
    };
  }

  boolean started() {
    return fsm != null;
  }

  Counters counters() {
    return counters;
  }

  InetAddress primaryAddress() {
    return primaryAddress;
  }

  VrrpStateMachine fsm() {
    return fsm;
  }

  /** A plain advertisement (IP protocol 112), decoded. */
  void receive(VrrpPacket packet, InetAddress source, long now) {
    if (ah != null && !source.equals(primaryAddress)) {
      // keepalived: "No AH header but auth type is AH"
      reject(Rejection.AUTH_TYPE, source);
      return;
    }
    admit(packet, source, now);
  }

  /**
   * An IPsec-AH datagram (IP protocol 51) whose layout the codec accepted, for this instance's VRID: authenticate
   * (ICV, SPI), check the sequence number, then the VRRP message as any other. A Master that accepts a lower-priority
   * advertisement answers it at once with a higher sequence number (see {@link AhSession}).
   */
  void receiveAuthenticated(AuthenticationHeader.Opened datagram, long now) {
    InetAddress source = datagram.source();
    if (source.equals(primaryAddress)) {
      return; // our own, looped back
    }
    if (ah == null) {
      // keepalived: "Received AH header but auth type not AH"
      reject(Rejection.AUTH_TYPE, source);
      return;
    }
    if (!config.unicastPeers().isEmpty() && !config.unicastPeers().contains(source)) {
      reject(Rejection.UNKNOWN_PEER, source);
      return;
    }
    Decoded.Rejected bad = datagram.verify(ah.key(), ah.unicast());
    if (bad != null) {
      reject(bad.rejection(), source);
      return;
    }
    // anti-replay, per sender, on authentic datagrams only, before the VRRP checks (keepalived's order)
    if (!ah.accept(source, datagram.sequence())) {
      reject(Rejection.AUTH_AH_SEQUENCE, source);
      return;
    }
    Decoded decoded = VrrpCodec.decode(source, datagram.destination(), datagram.ttl(), datagram.message());
    if (decoded instanceof Decoded.Rejected r) {
      reject(r.rejection(), source);
      return;
    }
    VrrpPacket packet = ((Decoded.Accepted) decoded).packet();
    // a Master that hears a lower priority takes up its sequence number before answering (the state machine asks
    // through FsmOutput.heardLowerPriority, then answers as lower_prio_no_advert says)
    lowerPrioritySequence = datagram.sequence();
    try {
      admit(packet, source, now);
    } finally {
      lowerPrioritySequence = -1;
    }
  }

  /**
   * Test-only (engine thread): sets the IPsec-AH sequence counter of a started AH instance, see
   * {@link AhSession#counterForTest}.
   */
  void ahCounterForTest(long value) {
    if (ah == null) {
      throw new IllegalStateException(config.name() + " is not a started IPsec-AH instance");
    }
    ah.counterForTest(value);
  }

  /** The checks every advertisement goes through, then the state machine; whether it got there. */
  private boolean admit(VrrpPacket packet, InetAddress source, long now) {
    if (!config.unicastPeers().isEmpty() && !config.unicastPeers().contains(source)) {
      reject(Rejection.UNKNOWN_PEER, source);
      return false;
    }
    Optional<Rejection> why = checks.check(packet, source);
    if (why.isPresent()) {
      if (why.get() != Rejection.OWN_PACKET) {
        reject(why.get(), source);
      }
      return false;
    }
    counters.received.incrementAndGet();
    if (packet.priority() == 0) {
      counters.priorityZeroReceived.incrementAndGet();
    }
    fsm.onAdvertisement(packet, source, now);
    publish();
    return true;
  }

  void reject(Rejection rejection, InetAddress source) {
    counters.count(rejection);
    // one log line per reason, the counters keep the totals
    if (loggedRejections.add(rejection)) {
      log.warn("{} (vrid {} on {}): dropped advertisement from {}: {} (logged once per reason)", config.name(),
          config.vrid(), config.interfaceName(), source.getHostAddress(), rejection.description());
    } else if (log.isDebugEnabled()) {
      log.debug("{}: dropped advertisement from {}: {}", config.name(), source.getHostAddress(),
          rejection.description());
    }
  }

  void applyTracking(Map<String, Boolean> trackedUp, boolean groupFault, long now) {
    int p = config.priority();
    boolean fault = false;
    StringBuilder why = new StringBuilder();
    for (Map.Entry<String, Integer> t : config.trackWeights().entrySet()) {
      boolean up = trackedUp.getOrDefault(t.getKey(), true);
      int w = t.getValue();
      if (w == 0 && !up) {
        fault = true;
        why.append(why.length() == 0 ? "" : ", ").append(t.getKey()).append(" down");
      } else if (w < 0 && !up) {
        p += w;
      } else if (w > 0 && up) {
        p += w;
      }
    }
    ownFault = fault;
    if (config.priority() != 255) {
      fsm.setPriority(p, now);
    }
    if (fault || groupFault) {
      fsm.setFault(true, now, fault ? "tracked " + why : "sync group member in fault");
    } else {
      fsm.setFault(false, now, "tracked objects recovered");
    }
    publish();
  }

  boolean ownFault() {
    return ownFault;
  }

  void shutdown(long now, String reason) {
    if (fsm != null) {
      fsm.shutdown(now, reason);
      publish();
    }
  }

  long nextDeadline() {
    return fsm == null ? Long.MAX_VALUE : fsm.nextDeadline();
  }

  /** The master-down deadline while Backup (when this instance would take over), else {@link Long#MAX_VALUE}. */
  long takeoverDeadline() {
    return fsm == null ? Long.MAX_VALUE : fsm.masterDownDeadline();
  }

  void runTimers(long now) {
    if (fsm != null && now >= fsm.nextDeadline()) {
      fsm.onTimer(now);
      publish();
    }
  }

  private void publish() {
    state = fsm.state();
    priority = fsm.priority();
    master = fsm.masterAddress();
  }

  /** Blocks or unblocks traffic to the virtual addresses; a failure is counted and logged, never thrown. */
  void filter(boolean block) {
    filter(block, config.virtualAddresses());
  }

  private void filter(boolean block, List<VirtualAddress> addresses) {
    try {
      if (block) {
        router.trafficFilter().block(config.interfaceName(), addresses);
      } else {
        router.trafficFilter().unblock(config.interfaceName(), addresses);
      }
      blocked = block;
    } catch (TrafficFilterException e) {
      counters.filterErrors.incrementAndGet();
      if (block) {
        log.error("{}: accept mode is off but traffic to its virtual addresses cannot be blocked ({}); this Master "
            + "accepts it", config.name(), e.kind(), e);
      } else {
        log.error("{}: traffic to its virtual addresses stays blocked ({}); remove the rule by hand", config.name(),
            e.kind(), e);
      }
    }
  }

  /** Whether the accept-mode filter drops traffic to this instance's addresses now (as far as the engine knows). */
  public boolean blocksTraffic() {
    return blocked;
  }

  private void addAddress(VirtualAddress a) {
    try {
      router.addresses().add(config.interfaceName(), a);
    } catch (IOException e) {
      counters.addressErrors.incrementAndGet();
      log.error("{}: cannot add virtual address {} on {}; clients cannot reach it through this Master",
          config.name(), a, config.interfaceName(), e);
    }
  }

  private void removeAddress(VirtualAddress a) {
    try {
      router.addresses().remove(config.interfaceName(), a);
    } catch (IOException e) {
      counters.addressErrors.incrementAndGet();
      log.error("{}: cannot remove virtual address {} from {}; two routers may now answer for it",
          config.name(), a, config.interfaceName(), e);
    }
  }

  private void announceAddress(VirtualAddress a) {
    try {
      router.addresses().announce(config.interfaceName(), a);
    } catch (IOException e) {
      counters.addressErrors.incrementAndGet();
      log.warn("{}: cannot announce {} on {}; neighbours learn the move when their cache expires",
          config.name(), a, config.interfaceName(), e);
    }
  }

  /** Turns the state machine's requests into transport and address-manager calls. */
  private final class Output implements FsmOutput {
    @Override
    public boolean mayBecomeMaster() {
      return router.syncGroupConsents(VrrpInstance.this);
    }

    @Override
    public void sendAdvertisement(int advertisedPriority) {
      List<VrrpDatagram> ready = advertisements(advertisedPriority);
      if (ah != null) {
        if (state != VrrpState.MASTER) {
          ah.becomingMaster(); // a Backup sends only when it takes over
        }
        ready = ah.seal(ready); // each advertisement has its own IP ID, sequence number and ICV
      }
      for (VrrpDatagram advertisement : ready) {
        try {
          router.transport().send(advertisement);
          counters.sent.incrementAndGet();
          if (advertisedPriority == 0) {
            counters.priorityZeroSent.incrementAndGet();
          }
          if (sendFailing) {
            sendFailing = false;
            log.info("{}: sending advertisements works again", config.name());
          }
        } catch (IOException e) {
          counters.sendErrors.incrementAndGet();
          if (!sendFailing) {
            sendFailing = true;
            log.warn("{}: cannot send advertisement to {} on {}; will keep trying every interval", config.name(),
                advertisement.destination().getHostAddress(), config.interfaceName(), e);
          }
        }
      }
    }

    @Override
    public void addVirtualAddresses() {
      if (config.filtersTraffic()) {
        // RFC 5798 6.4.3: accept mode off; the drop rules go in first, so the addresses never accept traffic
        filter(true);
      }
      vipsHeld = true;
      // plain loops on the takeover path: a method reference's first use spins a class (milliseconds, once)
      for (VirtualAddress a : config.virtualAddresses()) {
        addAddress(a);
      }
    }

    @Override
    public void removeVirtualAddresses() {
      vipsHeld = false;
      for (VirtualAddress a : config.virtualAddresses()) {
        removeAddress(a);
      }
      if (config.filtersTraffic()) {
        // after the removal, so there is no moment where the addresses are up and accepting
        filter(false);
      }
    }

    @Override
    public void announceVirtualAddresses() {
      for (VirtualAddress a : config.virtualAddresses()) {
        announceAddress(a);
      }
    }

    @Override
    public void announceVirtualAddress(int index) {
      announceAddress(config.virtualAddresses().get(index));
    }

    @Override
    public void heardLowerPriority() {
      if (ah != null && lowerPrioritySequence >= 0) {
        ah.heardLowerPriority(lowerPrioritySequence);
      }
    }

    @Override
    public void stateChanged(VrrpState from, VrrpState to, String reason) {
      if (to == VrrpState.MASTER) {
        counters.becameMaster.incrementAndGet();
      }
      state = to;
      router.stateChanged(VrrpInstance.this, from, to, reason);
    }
  }

  /** Thread-safe counters behind {@link VrrpStats}. */
  static final class Counters {
    final AtomicLong received = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong priorityZeroReceived = new AtomicLong();
    final AtomicLong priorityZeroSent = new AtomicLong();
    final AtomicLong becameMaster = new AtomicLong();
    final AtomicLong sendErrors = new AtomicLong();
    final AtomicLong addressErrors = new AtomicLong();
    final AtomicLong filterErrors = new AtomicLong();
    private final Map<Rejection, AtomicLong> rejected = new EnumMap<>(Rejection.class);

    Counters() {
      for (Rejection r : Rejection.values()) {
        rejected.put(r, new AtomicLong());
      }
    }

    void count(Rejection r) {
      rejected.get(r).incrementAndGet();
    }

    VrrpStats snapshot() {
      Map<String, Long> map = new HashMap<>();
      rejected.forEach((r, n) -> {
        if (n.get() > 0) {
          map.put(r.key(), n.get());
        }
      });
      return new VrrpStats(received.get(), sent.get(), priorityZeroReceived.get(), priorityZeroSent.get(),
          becameMaster.get(), sendErrors.get(), addressErrors.get(), filterErrors.get(), map);
    }
  }
}
