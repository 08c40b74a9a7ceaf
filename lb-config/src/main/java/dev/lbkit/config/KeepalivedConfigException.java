package dev.lbkit.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that has errors; {@link #errors()} lists every one of them, in file order. */
public final class KeepalivedConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> errors;

  /**
   * An exception for these errors.
   *
   * @param errors at least one error
   */
  public KeepalivedConfigException(List<ConfigProblem> errors) {
    super(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in the configuration:\n"
        + errors.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a configuration exception needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** Every error, each naming file, line and column. */
  public List<ConfigProblem> errors() {
    return errors;
  }
}
