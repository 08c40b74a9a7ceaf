package dev.lbkit.config.internal;

import dev.lbkit.config.ConfigProblem;
import dev.lbkit.config.ConfigProblem.Severity;
import dev.lbkit.config.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects errors and warnings while reading a configuration; not thread-safe. */
final class Problems {
  private final List<ConfigProblem> all = new ArrayList<>();

  void error(Location at, String message) {
    all.add(new ConfigProblem(at, Severity.ERROR, message));
  }

  void warning(Location at, String message) {
    all.add(new ConfigProblem(at, Severity.WARNING, message));
  }

  boolean hasErrors() {
    return all.stream().anyMatch(p -> p.severity() == Severity.ERROR);
  }

  /** The problems of one severity in the order they were found (which is file order within a file). */
  List<ConfigProblem> list(Severity severity) {
    return all.stream().filter(p -> p.severity() == severity).toList();
  }

  static Comparator<ConfigProblem> byPlace() {
    return Comparator.comparing((ConfigProblem p) -> p.location().file())
        .thenComparingInt(p -> p.location().line()).thenComparingInt(p -> p.location().column());
  }
}
