package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

/**
 * One error or warning found in a configuration, with where it is.
 *
 * @param location where the problem is
 * @param severity whether it makes the configuration unusable
 * @param message what is wrong, in an operator's words
 */
public record ConfigProblem(Location location, Severity severity, String message) {

  /** How bad a problem is. */
  public enum Severity {
    /** The configuration cannot be used as written. */
    ERROR,
    /** The configuration is usable, but something was ignored, changed or is likely a mistake. */
    WARNING
  }

  public ConfigProblem {
    requireNonNull(location, "location");
    requireNonNull(severity, "severity");
    requireNonNull(message, "message");
  }

  /** {@code FILE:LINE:COLUMN: message} for an error, {@code FILE:LINE:COLUMN: warning: message} for a warning. */
  @Override
  public String toString() {
    return location + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
  }
}
