package dev.lbkit.vrrp;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.api.event.VrrpStateListener;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.spi.AddressManager;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the engine's takeover path many times at start, in a private router that sends nothing. */
final class TakeoverWarmUp {
  /*
   * A Backup takes over a few times in its life, so HotSpot never compiles its takeover path: the first (and every)
   * takeover runs the engine loop's timer branch, the state machine's becomeMaster and the instance's output in the
   * interpreter, and a Backup whose loop C2 compiled after minutes of advertisements may find the never-taken timer
   * branch compiled as a trap and deoptimize right at the takeover. This drives a second, private router through the
   * very same code (VrrpRouter.run with its takeover spin, runDueTimers, VrrpInstance and VrrpStateMachine) for a
   * number of takeovers and step-downs, on a virtual clock, with a transport and an address manager that only
   * count: no packet is sent, no address touched, no listener called, nothing logged. Afterwards C1 has compiled
   * those methods and their profiles record the takeover branches as taken.
   *
   * Each cycle is a fresh private router: two advertisements of a better Master, then silence (a master-down takeover
   * through the spin) or, every other cycle, a resignation (the Skew_Time takeover); every fourth cycle an
   * advertisement arrives in the spin and cancels it first. As Master one advertisement timer fires, then a higher
   * priority arrives and it steps down. A few thousand cycles take a few hundred milliseconds of one core.
   */
  private static final Logger log = LoggerFactory.getLogger(TakeoverWarmUp.class);
  private static final long MS = 1_000_000L;

  private TakeoverWarmUp() {}

  /**
   * Runs {@code cycles} takeovers for an instance of this version and family; returns how many took place. Stops early
   * when {@code stop} says so. {@code realtime} is the real router's {@link VrrpRouter.Builder#takeoverRealtime}: the
   * warm-up takes the same branches, so the compiled takeover path has no untaken one for the real takeovers to trap on.
   */
  static int run(int version, AddressFamily family, int cycles, boolean realtime, BooleanSupplier stop) {
    boolean v4 = family == AddressFamily.IPV4;
    VirtualAddress vip = VirtualAddress.parse(v4 ? "192.0.2.100/32" : "2001:db8::100/128");
    VrrpConfig config = VrrpConfig.builder("warm-up").interfaceName("warm0").vrid(1).priority(100).version(version)
        .advertInterval(version == 2 ? Duration.ofSeconds(1) : Duration.ofMillis(100)).virtualAddress(vip).build();
    Adverts adverts = new Adverts(config, vip, v4);
    int takeovers = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      // the ticker, transport, address manager, state log and listener (one object) are three classes, taken in turn
      // cycle by cycle, so
      // from its first profile on the JIT sees every call through them as polymorphic and C2 compiles plain virtual
      // calls: the real ones, a fourth class, then run the same code. One class at a time (as before) let C2 inline
      // the warm-up's class behind a class check, which the first real takeovers failed: an uncommon trap, the rest
      // of the takeover in the interpreter and a recompile that woke the compiler threads (lab runs d1-d2)
      Sink sink = switch (cycle % 3) {
        case 0 -> new SinkA(config, adverts, cycle, stop);
        case 1 -> new SinkB(config, adverts, cycle, stop);
        default -> new SinkC(config, adverts, cycle, stop);
      };
      VrrpRouter router = VrrpRouter.builder(sink, sink).ticker(sink)
          .takeoverSpin(Duration.ofNanos(20_000)).warmUpTakeovers(0).takeoverRealtime(realtime)
          .scriptRunner((script, done) -> done.finished(true)).stateLog(sink).listener(sink).instance(config).build();
      sink.router = router;
      try {
        router.run();
      } catch (IOException e) {
        log.debug("takeover warm-up ended early; the engine starts anyway", e); // the sink throws nothing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return takeovers + sink.takeovers;
      }
      takeovers += sink.takeovers;
      if (sink.stopped) {
        break;
      }
    }
    return takeovers;
  }

  /** The advertisements a warm-up router receives: a better Master's, its resignation, a higher priority's. */
  private static final class Adverts {
    final InetAddress own;
    final VrrpDatagram better;
    final VrrpDatagram resign;
    final VrrpDatagram higher;

    Adverts(VrrpConfig config, VirtualAddress vip, boolean v4) {
      this.own = VirtualAddress.parse(v4 ? "192.0.2.1/24" : "fe80::1/64").address();
      InetAddress peer = VirtualAddress.parse(v4 ? "192.0.2.2/24" : "fe80::2/64").address();
      InetAddress group = VrrpRouter.multicastGroup(v4 ? AddressFamily.IPV4 : AddressFamily.IPV6);
      this.better = advert(config, 150, vip, peer, group);
      this.resign = advert(config, 0, vip, peer, group);
      this.higher = advert(config, 200, vip, peer, group);
    }

    private static VrrpDatagram advert(VrrpConfig config, int priority, VirtualAddress vip, InetAddress peer,
        InetAddress group) {
      VrrpPacket p = config.version() == 2
          ? VrrpPacket.v2(1, priority, config.advertInterval(), VrrpPacket.AUTH_NONE, new byte[8],
              List.of(vip.address()))
          : VrrpPacket.v3(1, priority, config.advertInterval(), List.of(vip.address()));
      return new VrrpDatagram(config.interfaceName(), peer, group, VrrpCodec.REQUIRED_TTL,
          VrrpCodec.encode(p, peer, group));
    }
  }

  private static final class SinkA extends Sink {
    SinkA(VrrpConfig config, Adverts adverts, int cycle, BooleanSupplier stop) {
      super(config, adverts, cycle, stop);
    }
  }

  private static final class SinkB extends Sink {
    SinkB(VrrpConfig config, Adverts adverts, int cycle, BooleanSupplier stop) {
      super(config, adverts, cycle, stop);
    }
  }

  private static final class SinkC extends Sink {
    SinkC(VrrpConfig config, Adverts adverts, int cycle, BooleanSupplier stop) {
      super(config, adverts, cycle, stop);
    }
  }

  /**
   * The virtual network of one cycle, and the router's clock and address manager: scripted advertisements in,
   * everything out counted and dropped.
   */
  private abstract static class Sink
      implements VrrpTransport, AddressManager, Ticker, VrrpRouter.StateLog, VrrpStateListener {
    final VrrpConfig config;
    final Adverts adverts;
    /** The cycle's number in the whole warm-up: which takeover it makes. */
    final int cycle;
    final BooleanSupplier stop;
    VrrpRouter router;
    long now = 1_000 * MS;
    int backupAdverts;
    boolean resigned;
    boolean cancelled;
    boolean ticked;
    boolean stopped;
    int takeovers;
    long sent;

    Sink(VrrpConfig config, Adverts adverts, int cycle, BooleanSupplier stop) {
      this.config = config;
      this.adverts = adverts;
      this.cycle = cycle;
      this.stop = stop;
    }

    // the clock moves 100 ns per read, so the takeover spin's clock loop turns as it would on a real clock
    @Override
    public long read() {
      return now += 100;
    }

    @Override
    public void add(String interfaceName, VirtualAddress address) {
      takeovers++;
    }

    @Override
    public void remove(String interfaceName, VirtualAddress address) {
      sent++;
    }

    @Override
    public void announce(String interfaceName, VirtualAddress address) {
      sent++;
    }

    // a router's state changes: its log and its listeners, here a sink (nothing logged, no listener of the caller's)
    @Override
    public void stateChanged(VrrpConfig config, VrrpStateChanged event) {
      sent++;
    }

    @Override
    public void onStateChange(VrrpStateChanged event) {
      sent++;
    }

    @Override
    public void open(String interfaceName, AddressFamily family) {}

    @Override
    public InetAddress primaryAddress(String interfaceName, AddressFamily family) {
      return adverts.own;
    }

    @Override
    public void send(VrrpDatagram datagram) {
      sent++;
    }

    /*
     * One cycle: two advertisements of a better Master, then silence (a master-down takeover through the spin) or, in
     * odd cycles, its resignation (the Skew_Time takeover); every fourth cycle an advertisement arrives in the spin
     * and cancels it first. As Master one advertisement timer fires, then a higher priority arrives, the router
     * steps down and the cycle ends (the router closes).
     */
    @Override
    public Optional<VrrpDatagram> receive(Duration timeout) throws IOException {
      long t = timeout.toNanos();
      if (t == 0) {
        now += 1_000; // the poll that ends a takeover spin
        if (!cancelled && cycle % 4 == 3) {
          cancelled = true;
          return Optional.of(adverts.better); // arrives in the spin: the Backup stays
        }
        return Optional.empty();
      }
      VrrpState state = router.instance(config.name()).state();
      if (state == VrrpState.BACKUP) {
        if (backupAdverts < 2) {
          backupAdverts++;
          now += Math.min(t, 10 * MS);
          return Optional.of(adverts.better);
        }
        if (cycle % 2 == 1 && !resigned) {
          resigned = true;
          now += Math.min(t, 10 * MS);
          return Optional.of(adverts.resign);
        }
        now += t; // silence: the engine wakes before the deadline and spins up to it
        return Optional.empty();
      }
      if (state == VrrpState.MASTER) {
        if (!ticked) {
          ticked = true;
          now += t; // the advertisement timer fires once
          return Optional.empty();
        }
        stopped = stop.getAsBoolean();
        router.close(); // on the engine thread: run() returns after this round
        now += Math.min(t, MS);
        return Optional.of(adverts.higher); // a better router: step down
      }
      now += t;
      return Optional.empty();
    }

    @Override
    public void wakeup() {}

    @Override
    public void close() {}
  }
}
