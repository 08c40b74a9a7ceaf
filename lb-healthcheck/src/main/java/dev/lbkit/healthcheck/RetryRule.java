package dev.lbkit.healthcheck;

/**
 * When a failed attempt is retried ({@link CheckPolicy#retry()} times, {@link CheckPolicy#delayBeforeRetry()}
 * apart) before it counts as a failed check.
 */
public enum RetryRule {
  /**
   * Only while the destination is up, with the full number of retries from the start: lbkit's default, and the rule
   * keepalived's newer checkers (UDP_CHECK, ICMP) document.
   */
  WHILE_UP(true, false),
  /**
   * keepalived 2.2.7's MISC_CHECK, UDP_CHECK and DNS_CHECK: retries only while the destination is up, as
   * {@link #WHILE_UP}, but a checker starts with its retries used up, so a failure before its first pass is final at
   * once (check_data.c sets the retry counter to {@code retry} when the configuration is loaded; check_misc.c and
   * check_udp.c retry only an up checker). Seen for MISC_CHECK in the kernel lab (KeepalivedCheckerTimingLabIT).
   */
  KEEPALIVED(false, false),
  /**
   * keepalived 2.2.7's TCP_CHECK, as it behaves in the kernel lab (lb-director's KeepalivedCheckerTimingLabIT): a
   * checker starts with its retries used up, so a failure before its first pass is final at once (check_data.c sets
   * the retry counter to {@code retry} when the configuration is loaded, not on a reload); after that every failure
   * starts a cycle of {@code retry} retries whether the destination is up or down (check_tcp.c {@code tcp_epilog}
   * does not look at the state), and a pass ends it. So a dead server is tried {@code retry + 1} times per
   * {@code delay_loop}, and a server that is down at start leaves the table after one attempt.
   */
  KEEPALIVED_TCP(false, true),
  /**
   * keepalived 2.2.7's SMTP_CHECK: every check cycle starts with its full {@code retry} retries, the first cycle too,
   * and a failure is retried whether the destination is up or down (check_smtp.c: each cycle begins in
   * {@code smtp_start_check_thread}, which clears the retry counter, and {@code smtp_final} retries without looking
   * at the state). So a dead server is tried {@code retry + 1} times per {@code delay_loop}, and one that is dead at
   * start leaves the table only after its retries. Compared with real keepalived in the kernel lab
   * (KeepalivedCheckerTimingLabIT, a destination whose SYNs are dropped).
   */
  KEEPALIVED_SMTP(true, true);

  private final boolean startsWithRetries;
  private final boolean retriesWhileDown;

  RetryRule(boolean startsWithRetries, boolean retriesWhileDown) {
    this.startsWithRetries = startsWithRetries;
    this.retriesWhileDown = retriesWhileDown;
  }

  /** Whether a checker starts with its full retries (else with them used up, so a first failure is final). */
  public boolean startsWithRetries() {
    return startsWithRetries;
  }

  /** Whether a failure is retried while the destination is down too (else only while it is up). */
  public boolean retriesWhileDown() {
    return retriesWhileDown;
  }
}
