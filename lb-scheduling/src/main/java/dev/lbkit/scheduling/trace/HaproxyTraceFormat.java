package dev.lbkit.scheduling.trace;

import dev.lbkit.scheduling.haproxy.HaproxyTraceReplay;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * HAProxy {@code balance} traces: records with an {@code algorithm} key, as
 * {@code scheduler-traces/haproxy/FORMAT.md} describes. Runtime API events and releases of held requests are
 * applied in order; the recorded picks are not read. Non-deterministic records ({@code random}) are skipped.
 * Stateless.
 */
public final class HaproxyTraceFormat implements TraceFormat {
  /** The key that marks a haproxy record. */
  public static final String KEY = "algorithm";

  /** The format; stateless. */
  public HaproxyTraceFormat() {}

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public Optional<ReplayResult> replay(Map<String, Object> record) throws TraceRecordException {
    if (Boolean.FALSE.equals(record.get("deterministic"))) {
      return Optional.empty();
    }
    Map<String, Object> question = new HashMap<>(record);
    question.remove("picks");
    try {
      HaproxyTraceReplay.Result r = HaproxyTraceReplay.replay(question);
      return Optional.of(new ReplayResult(r.scenario(), r.picks()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      Object name = record.get("scenario");
      throw new TraceRecordException((name == null ? "" : "scenario " + name + ": ") + e.getMessage(), e);
    }
  }
}
