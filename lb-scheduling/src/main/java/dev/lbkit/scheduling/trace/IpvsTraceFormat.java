package dev.lbkit.scheduling.trace;

import java.util.Map;
import java.util.Optional;

/**
 * IPVS scheduler traces: records with a {@code scheduler} key, as {@code scheduler-traces/ipvs/FORMAT.md} describes.
 * See {@link IpvsTrace} for the replay itself. Stateless.
 */
public final class IpvsTraceFormat implements TraceFormat {
  /** The key that marks an IPVS record. */
  public static final String KEY = "scheduler";

  /** The format; stateless. */
  public IpvsTraceFormat() {}

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public Optional<ReplayResult> replay(Map<String, Object> record) throws TraceRecordException {
    if (Boolean.FALSE.equals(record.get("deterministic"))) {
      return Optional.empty();
    }
    IpvsTrace trace = IpvsTrace.parse(record);
    return Optional.of(new ReplayResult(trace.name(), trace.replay().picks()));
  }
}
