package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

/**
 * A place in a configuration file: the file as it was named (the main file as given, an included file as its
 * include pattern resolved it), a 1-based line and a 1-based column (a tab counts as one column).
 *
 * @param file the file name
 * @param line 1-based line
 * @param column 1-based column
 */
public record Location(String file, int line, int column) {
  public Location {
    requireNonNull(file, "file");
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("line and column are 1-based but were " + line + ":" + column);
    }
  }

  /** {@code FILE:LINE:COLUMN}, as compilers print it. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
