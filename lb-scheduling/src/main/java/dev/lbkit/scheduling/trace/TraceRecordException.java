package dev.lbkit.scheduling.trace;

/**
 * A trace record that is malformed or cannot be replayed, with the reason only; {@link TraceReplayer} adds the file
 * and line. Thrown by {@link TraceFormat} implementations.
 */
public final class TraceRecordException extends Exception {
  private static final long serialVersionUID = 1L;

  public TraceRecordException(String reason) {
    super(reason);
  }

  public TraceRecordException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
