/**
 * Health checks: start with {@link dev.lbkit.healthcheck.HealthChecker}. A {@link dev.lbkit.healthcheck.Target}
 * pairs a destination with a {@link dev.lbkit.healthcheck.Check} (see the {@code tcp}, {@code http}, {@code misc},
 * {@code smtp}, {@code dns}, {@code udp} and {@code agent} packages) and a
 * {@link dev.lbkit.healthcheck.CheckPolicy}; results are {@link dev.lbkit.healthcheck.CheckResult}s with a typed
 * {@link dev.lbkit.healthcheck.DownReason}; transitions go to lb-api's
 * {@link dev.lbkit.api.event.DestinationListener}. {@link dev.lbkit.healthcheck.ServiceQuorum} adds keepalived's
 * quorum, hysteresis and sorry server on top. To test code built on the checker without threads or sleeps, run
 * it on a {@link dev.lbkit.healthcheck.ManualClock} with a {@link dev.lbkit.healthcheck.CheckResponder}.
 */
@Beta
package dev.lbkit.healthcheck;

import dev.lbkit.api.Beta;
