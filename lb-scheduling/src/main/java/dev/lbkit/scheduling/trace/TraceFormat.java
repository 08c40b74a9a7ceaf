package dev.lbkit.scheduling.trace;

import java.util.Map;
import java.util.Optional;

/**
 * One kind of trace record and how to replay it. A record belongs to the format whose {@link #key()} it contains:
 * {@code scheduler} for IPVS ({@link IpvsTraceFormat}), {@code algorithm} for haproxy. Implementations are stateless
 * and thread-safe.
 */
public interface TraceFormat {

  /** The JSON key whose presence marks a record of this format. */
  String key();

  /**
   * Replays one record (already parsed) against lbkit's scheduler. Never reads the record's answers ({@code picks},
   * {@code final}, {@code twos_draws}) to decide.
   *
   * @return the picks, or empty when the record is to be skipped (it says {@code "deterministic": false})
   * @throws TraceRecordException when the record is malformed or names a scheduler lbkit does not know
   */
  Optional<ReplayResult> replay(Map<String, Object> record) throws TraceRecordException;
}
