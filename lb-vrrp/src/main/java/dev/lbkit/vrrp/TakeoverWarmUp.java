package dev.lbkit.vrrp;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.event.VrrpState;
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
   * Each cycle: two advertisements of a better Master, then silence (a master-down takeover through the spin) or,
   * every other cycle, a resignation (the Skew_Time takeover); every fourth cycle an advertisement arrives in the spin
   * and cancels it first. As Master one advertisement timer fires, then a higher priority arrives and it steps down.
   * A few thousand cycles take tens of milliseconds.
   */
  private static final Logger log = LoggerFactory.getLogger(TakeoverWarmUp.class);
  private static final long MS = 1_000_000L;

  private TakeoverWarmUp() {}

  /**
   * Runs {@code cycles} takeovers for an instance of this version and family; returns how many took place. Stops early
   * when {@code stop} says so.
   */
  static int run(int version, AddressFamily family, int cycles, BooleanSupplier stop) {
    boolean v4 = family == AddressFamily.IPV4;
    VirtualAddress vip = VirtualAddress.parse(v4 ? "192.0.2.100/32" : "2001:db8::100/128");
    VrrpConfig config = VrrpConfig.builder("warm-up").interfaceName("warm0").vrid(1).priority(100).version(version)
        .advertInterval(version == 2 ? Duration.ofSeconds(1) : Duration.ofMillis(100)).virtualAddress(vip).build();
    int takeovers = 0;
    // three routers whose tickers are three classes: the JIT then sees the engine's ticker calls as megamorphic and
    // compiles them as plain virtual calls, so the real ticker (another class) does not trap into the interpreter
    for (int part = 0; part < 3; part++) {
      int share = cycles / 3 + (part < cycles % 3 ? 1 : 0);
      if (share == 0) {
        continue;
      }
      Sink sink = new Sink(config, vip, v4, share, stop);
      Ticker ticker = part == 0 ? sink::readA : part == 1 ? sink::readB : sink::readC;
      VrrpRouter router = VrrpRouter.builder(sink, sink.addresses).ticker(ticker)
          .takeoverSpin(Duration.ofNanos(20_000)).warmUpTakeovers(0)
          .scriptRunner((script, done) -> done.finished(true)).quiet().instance(config).build();
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
      if (stop.getAsBoolean()) {
        break;
      }
    }
    return takeovers;
  }

  /** The virtual network: scripted advertisements in, everything out counted and dropped. */
  private static final class Sink implements VrrpTransport {
    final VrrpConfig config;
    final int cycles;
    final BooleanSupplier stop;
    final InetAddress own;
    final InetAddress peer;
    final InetAddress group;
    final VrrpDatagram better;
    final VrrpDatagram resign;
    final VrrpDatagram higher;
    VrrpRouter router;
    long now = 1_000 * MS;
    int cycle;
    int backupAdverts;
    boolean resigned;
    boolean cancelled;
    boolean ticked;
    int takeovers;
    long sent;
    final AddressManager addresses = new AddressManager() {
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
    };

    Sink(VrrpConfig config, VirtualAddress vip, boolean v4, int cycles, BooleanSupplier stop) {
      this.config = config;
      this.cycles = cycles;
      this.stop = stop;
      this.own = VirtualAddress.parse(v4 ? "192.0.2.1/24" : "fe80::1/64").address();
      this.peer = VirtualAddress.parse(v4 ? "192.0.2.2/24" : "fe80::2/64").address();
      this.group = VrrpRouter.multicastGroup(v4 ? AddressFamily.IPV4 : AddressFamily.IPV6);
      this.better = advert(150, vip);
      this.resign = advert(0, vip);
      this.higher = advert(200, vip);
    }

    private VrrpDatagram advert(int priority, VirtualAddress vip) {
      VrrpPacket p = config.version() == 2
          ? VrrpPacket.v2(1, priority, config.advertInterval(), VrrpPacket.AUTH_NONE, new byte[8],
              List.of(vip.address()))
          : VrrpPacket.v3(1, priority, config.advertInterval(), List.of(vip.address()));
      return new VrrpDatagram(config.interfaceName(), peer, group, VrrpCodec.REQUIRED_TTL,
          VrrpCodec.encode(p, peer, group));
    }

    // the clock moves 100 ns per read, so the takeover spin's clock loop turns as it would on a real clock
    long readA() {
      return now += 100;
    }

    long readB() {
      return now += 100;
    }

    long readC() {
      return now += 100;
    }

    @Override
    public void open(String interfaceName, AddressFamily family) {}

    @Override
    public InetAddress primaryAddress(String interfaceName, AddressFamily family) {
      return own;
    }

    @Override
    public void send(VrrpDatagram datagram) {
      sent++;
    }

    @Override
    public Optional<VrrpDatagram> receive(Duration timeout) throws IOException {
      long t = timeout.toNanos();
      if (t == 0) {
        now += 1_000; // the poll that ends a takeover spin
        if (!cancelled && cycle % 4 == 3) {
          cancelled = true;
          return Optional.of(better); // arrives in the spin: the Backup stays
        }
        return Optional.empty();
      }
      VrrpState state = router.instance(config.name()).state();
      if (state == VrrpState.BACKUP) {
        if (backupAdverts < 2) {
          backupAdverts++;
          now += Math.min(t, 10 * MS);
          return Optional.of(better);
        }
        if (cycle % 2 == 1 && !resigned) {
          resigned = true;
          now += Math.min(t, 10 * MS);
          return Optional.of(resign);
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
        ticked = false;
        backupAdverts = 0;
        resigned = false;
        cancelled = false;
        cycle++;
        if (cycle >= cycles || stop.getAsBoolean()) {
          router.close(); // on the engine thread: run() returns after this round
        }
        now += Math.min(t, MS);
        return Optional.of(higher); // a better router: step down
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
