package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Several checks of one destination, each run on its own schedule by its own policy, all of which must pass for the
 * destination to be up: keepalived's several checkers in one {@code real_server} (each with its own
 * {@code delay_loop}, {@code retry}, {@code delay_before_retry}, {@code warmup} and {@code alpha}; the real server is
 * alive while none of its checkers has failed, check_api.c / ipwrapper.c {@code update_svr_checker_state}).
 *
 * <p>Used as a {@link Target}'s check, each member keeps its own up/down state by its own policy (retries, rise and
 * fall, warmup, start down); the target is up while every member is, and goes down when any member goes down. The
 * target's own {@link CheckPolicy} then only says how that combined state is published: {@code inhibitOnFailure}
 * and {@code downOnStop}; the target starts down if any member starts down. A weight a member's check sets
 * ({@code misc_dynamic}) becomes the target's weight. Compare {@link AllOf}, whose checks run one after another in
 * one attempt on one schedule. Run once ({@link HealthChecker#checkOnce}), the members' checks run as an
 * {@link AllOf}.
 *
 * @param members at least one
 */
public record IndependentChecks(List<Member> members) implements Check {
  public IndependentChecks {
    members = List.copyOf(requireNonNull(members, "members"));
    if (members.isEmpty()) {
      throw new IllegalArgumentException("IndependentChecks needs at least one member");
    }
  }

  /**
   * One check with its own schedule.
   *
   * @param check what to check
   * @param policy when to check it and how its results change its own state ({@code inhibitOnFailure},
   *     {@code downOnStop} and {@code slowStart} of a member are not used: the target's policy says those)
   */
  public record Member(Check check, CheckPolicy policy) {
    public Member {
      requireNonNull(check, "check");
      requireNonNull(policy, "policy");
      if (check instanceof IndependentChecks) {
        throw new IllegalArgumentException("IndependentChecks cannot nest");
      }
    }
  }

  /** The members' checks, in order. */
  public List<Check> checks() {
    return members.stream().map(Member::check).toList();
  }

  @Override
  public String describe() {
    return members.stream().map(m -> m.check().describe()).collect(Collectors.joining(" and "));
  }
}
