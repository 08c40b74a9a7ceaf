package dev.lbkit.vrrp;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.vrrp.testkit.NoopSpi;
import dev.lbkit.vrrp.testkit.ScriptedTransport;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fresh JVM's first takeovers after the warm-up, for {@link TakeoverJitIT}: a router with the default warm-up and
 * takeover spin, on a {@link ScriptedTransport} whose transport and ticker are classes the warm-up never saw (as the
 * real ones are), takes over {@code args[0]} times (a Master's advertisement, silence for Master_Down_Interval, the
 * takeover; a better advertisement 50 ms later sends it back to Backup). The warm-up runs first, as
 * {@link VrrpRouter#run()} runs it, but on a thread of its own, so the takeovers are told apart by thread: prints
 * {@code ENGINE <pid>/task/<tid>} of the takeovers' thread and {@code DONE <takeovers>}; run it with
 * {@code -XX:+LogCompilation} to see what the JIT did during the takeovers.
 */
public final class TakeoverJitProbe {
  private TakeoverJitProbe() {}

  public static void main(String[] args) throws Exception {
    int takeovers = Integer.parseInt(args[0]);
    long ms = 1_000_000L;
    ScriptedTransport transport = new ScriptedTransport(0).wakeLatencyNanos(100_000);
    long at = 50 * ms;
    for (int i = 0; i <= takeovers; i++) {
      transport.arriveAt(at, TakeoverSpinTest.advert(150));
      at += TakeoverSpinTest.MDI + 50 * ms;
    }
    long end = at;
    Thread warmUp = new Thread(() -> TakeoverWarmUp.run(3, dev.lbkit.api.AddressFamily.IPV4,
        VrrpRouter.DEFAULT_WARM_UP_TAKEOVERS, true, () -> false), "warm-up");
    warmUp.start();
    warmUp.join();
    int[] masters = {0};
    VrrpRouter router = VrrpRouter.builder(transport, NoopSpi.addresses()).ticker(transport::read)
        .warmUpTakeovers(0).instance(TakeoverSpinTest.config()).listener(e -> {
          if (e.to() == VrrpState.MASTER) {
            masters[0]++;
          }
        }).build();
    transport.closeAfter(end, router);
    System.out.println("ENGINE " + Files.readSymbolicLink(Path.of("/proc/thread-self")));
    router.run();
    System.out.println("DONE " + masters[0]);
  }
}
