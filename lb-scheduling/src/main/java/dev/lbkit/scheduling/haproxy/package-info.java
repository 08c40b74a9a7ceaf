/**
 * HAProxy's {@code balance} algorithms, picking exactly as HAProxy 2.6 does with one thread. Start with
 * {@link dev.lbkit.scheduling.haproxy.HaproxyBackend}: build it from the {@code balance} and {@code hash-type}
 * texts and the servers, then pick with its {@link dev.lbkit.scheduling.haproxy.HaproxyBackend#scheduler()} and
 * report requests with {@code connectionStarted}/{@code connectionEnded}.
 */
package dev.lbkit.scheduling.haproxy;
