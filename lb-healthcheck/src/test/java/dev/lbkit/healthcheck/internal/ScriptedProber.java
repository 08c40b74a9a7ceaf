package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link Prober} that answers from a script: each attempt takes the current answer, after a fixed latency on the
 * fake scheduler. Records when each attempt started.
 */
final class ScriptedProber implements Prober {
  static final CheckResult UP = CheckResult.Up.of("scripted up");
  static final CheckResult DOWN = new CheckResult.Down(DownReason.REFUSED, "scripted down");

  private final ManualScheduler scheduler;
  private final Duration latency;
  private CheckResult answer = UP;
  final List<Duration> attemptTimes = new ArrayList<>();

  ScriptedProber(ManualScheduler scheduler, Duration latency) {
    this.scheduler = scheduler;
    this.latency = latency;
  }

  void answer(CheckResult r) {
    this.answer = r;
  }

  @Override
  public void probe(Check check, Duration timeout, Consumer<CheckResult> done) {
    attemptTimes.add(scheduler.elapsed());
    CheckResult r = answer;
    if (latency.compareTo(timeout) >= 0) {
      scheduler.schedule(timeout, () -> done.accept(new CheckResult.Down(DownReason.TIMEOUT, "scripted timeout")));
    } else {
      scheduler.schedule(latency, () -> done.accept(r));
    }
  }
}
