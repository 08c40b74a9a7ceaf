package dev.lbkit.healthcheck.http;

import static java.util.Objects.requireNonNull;

import dev.lbkit.healthcheck.Check;
import java.util.List;
import java.util.stream.Collectors;

/**
 * keepalived's {@code HTTP_GET}/{@code SSL_GET} with its {@code url} blocks, run as keepalived 2.2.7 runs them: each
 * scheduled attempt fetches ONE url, the next url follows a {@code delay_loop} later, and the checker is reported up
 * only when a whole round of urls has passed (check_http.c {@code epilog}). Used as a {@link
 * dev.lbkit.healthcheck.Target}'s check (or an {@link dev.lbkit.healthcheck.IndependentChecks} member's), with a
 * keepalived policy ({@link dev.lbkit.healthcheck.CheckPolicy#keepalived()}) whose timeout is one url's:
 * <ul>
 *   <li>a url that passes moves on to the next one after {@code interval} (keepalived's {@code delay_loop}); the
 *       last one of a round brings a down checker up (and ends its first round);
 *   <li>a url that fails while the checker is up is fetched again after {@code delayBeforeRetry}, up to
 *       {@code retry} times; then the checker goes down, that url is marked failed and fetched again every
 *       {@code max(delayBeforeRetry, interval)}; once it passes, the round starts again from the first url;
 *   <li>before its first verdict (a whole round, or a failure) a failing url is not retried: the first failure is
 *       final, as keepalived starts every checker with its retries used up (check_data.c) and keeps them so after a
 *       pass while it {@code !has_run};
 *   <li>a url that fails while the checker is down and no url is marked failed (the round after a failed url
 *       recovered, or a checker that started down with {@code alpha}) is fetched again after
 *       {@code delayBeforeRetry}; keepalived does the same.
 * </ul>
 * With {@code fastRecovery} (keepalived's {@code fast_recovery}) the next attempt follows at once, without any of
 * those delays, whenever the checker has not reached its first verdict yet, or is down with no url marked failed;
 * the rule is looked at after each result has had its effect (check_http.c {@code epilog}, its last step). So the
 * first round runs url after url, and once a failed url passes again the fresh round does too, up to the verdict; a
 * down checker whose fresh round meets another failing url fetches that url again at once, as often as it fails
 * (keepalived does the same: only a url marked failed waits its delay). While the checker is up, and while a url is
 * marked failed, the delays above apply.
 * Run once ({@link dev.lbkit.healthcheck.HealthChecker#checkOnce}), all urls are fetched one after another as an
 * {@link dev.lbkit.healthcheck.AllOf}; for that behaviour on a schedule too, use an {@code AllOf} of the urls
 * instead (all urls in every attempt, within one timeout).
 *
 * @param urls the urls in keepalived's order, at least one
 * @param fastRecovery keepalived's {@code fast_recovery}: no delay between attempts before the first verdict and
 *     while down with no url marked failed
 */
public record UrlRound(List<HttpCheck> urls, boolean fastRecovery) implements Check {
  public UrlRound {
    urls = List.copyOf(requireNonNull(urls, "urls"));
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("UrlRound needs at least one url");
    }
  }

  /** Without {@code fast_recovery}, keepalived's default. */
  public UrlRound(List<HttpCheck> urls) {
    this(urls, false);
  }

  @Override
  public String describe() {
    return urls.size() == 1 ? urls.get(0).describe()
        : urls.stream().map(HttpCheck::describe).collect(Collectors.joining(", then ", "one per run of: ", ""));
  }
}
