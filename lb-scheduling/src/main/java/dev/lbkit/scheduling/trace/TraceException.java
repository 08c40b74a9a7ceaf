package dev.lbkit.scheduling.trace;

import java.nio.file.Path;

/** A trace record that cannot be replayed: names the file, the 1-based line and the reason. */
public final class TraceException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final String reason;

  public TraceException(Path file, int line, String reason, Throwable cause) {
    super(file + ":" + line + ": " + reason, cause);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  /** The trace file. */
  public Path file() {
    return file;
  }

  /** The 1-based line of the record, or 0 when the whole file failed (unreadable). */
  public int line() {
    return line;
  }

  /** What is wrong, without file and line. */
  public String reason() {
    return reason;
  }
}
