package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Several checks that must all pass, run one after another within one deadline: keepalived's several {@code url}
 * blocks in one {@code HTTP_GET}, or an HAProxy agent check beside a health check. The first failure is the
 * result; when all pass, the result joins their details and keeps the weight a check asked for (the last one).
 *
 * @param checks at least one
 */
public record AllOf(List<Check> checks) implements Check {
  public AllOf {
    checks = List.copyOf(requireNonNull(checks, "checks"));
    if (checks.isEmpty()) {
      throw new IllegalArgumentException("AllOf needs at least one check");
    }
  }

  /** The checks in order. */
  public static AllOf of(Check... checks) {
    return new AllOf(List.of(checks));
  }

  @Override
  public String describe() {
    return checks.stream().map(Check::describe).collect(Collectors.joining(" and "));
  }
}
