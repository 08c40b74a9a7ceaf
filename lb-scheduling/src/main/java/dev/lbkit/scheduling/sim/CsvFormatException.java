package dev.lbkit.scheduling.sim;

/** A workload CSV line that cannot be read, with its line number, field and reason. */
public final class CsvFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final String field;

  CsvFormatException(String source, int line, String field, String reason) {
    super(source + ":" + line + ": " + (field.isEmpty() ? "" : "field " + field + ": ") + reason);
    this.line = line;
    this.field = field;
  }

  /** The 1-based line number. */
  public int line() {
    return line;
  }

  /** The field's name ({@code time}, {@code duration}, ...), empty for a whole-line problem. */
  public String field() {
    return field;
  }
}
