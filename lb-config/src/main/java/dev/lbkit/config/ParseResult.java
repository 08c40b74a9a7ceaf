package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What parsing gave: the model (as much of it as could be read), every error and every warning.
 *
 * <p>With errors the model is partial: blocks with errors may be missing from it or hold defaults, so only use it
 * when {@link #ok()} is true, or through {@link #orThrow()}.
 *
 * @param config the model read
 * @param errors every error, in file order
 * @param warnings every warning, in file order; they do not make the configuration unusable
 */
public record ParseResult(KeepalivedConfig config, List<ConfigProblem> errors, List<ConfigProblem> warnings) {
  public ParseResult {
    requireNonNull(config, "config");
    errors = List.copyOf(requireNonNull(errors, "errors"));
    warnings = List.copyOf(requireNonNull(warnings, "warnings"));
  }

  /** Whether there are no errors (warnings do not count). */
  public boolean ok() {
    return errors.isEmpty();
  }

  /**
   * The model, if there are no errors.
   *
   * @throws KeepalivedConfigException listing every error
   */
  public KeepalivedConfig orThrow() throws KeepalivedConfigException {
    if (!errors.isEmpty()) {
      throw new KeepalivedConfigException(errors);
    }
    return config;
  }
}
