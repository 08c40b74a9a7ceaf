package dev.lbkit.healthcheck.internal;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Rise/fall invariants for any sequence of results. */
final class TargetMonitorProperties {
  private static final Endpoint DEST = Endpoint.parse("10.0.0.2:80");

  @Property(tries = 300)
  boolean anyResults_thenFallFailures_isDown_thenRisePasses_isUp_andEventsAlternate(
      @ForAll @IntRange(min = 1, max = 5) int rise, @ForAll @IntRange(min = 1, max = 5) int fall,
      @ForAll boolean startDown, @ForAll @Size(max = 40) List<Boolean> prefix) {
    ManualScheduler clock = new ManualScheduler();
    ScriptedProber prober = new ScriptedProber(clock, Duration.ofMillis(1));
    List<DestinationEvent> events = new ArrayList<>();
    TargetMonitor m = new TargetMonitor(Target.of(DEST, 5, TcpCheck.of(DEST), CheckPolicy.haproxy()
        .interval(Duration.ofSeconds(1)).rise(rise).fall(fall).startDown(startDown).build()), clock, prober,
        new SplittableRandom(7), events::add);
    m.start();
    for (boolean pass : prefix) {
      prober.answer(pass ? ScriptedProber.UP : ScriptedProber.DOWN);
      clock.advance(Duration.ofSeconds(1));
      int h = m.status().health();
      if (h < 0 || h > rise + fall - 1) {
        return false;
      }
    }
    prober.answer(ScriptedProber.DOWN);
    clock.advance(Duration.ofSeconds(fall));
    boolean downAfterFall = !m.status().up();
    prober.answer(ScriptedProber.UP);
    clock.advance(Duration.ofSeconds(rise));
    boolean upAfterRise = m.status().up();
    boolean alternate = true;
    for (int i = 1; i < events.size(); i++) {
      alternate &= (events.get(i) instanceof DestinationUp) != (events.get(i - 1) instanceof DestinationUp)
          && (events.get(i) instanceof DestinationUp || events.get(i) instanceof DestinationDown);
    }
    return downAfterFall && upAfterRise && alternate;
  }
}
