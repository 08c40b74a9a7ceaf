package dev.lbkit.examples;

/** A mistake on the command line: unknown flag, missing value, bad number. Exit status 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
