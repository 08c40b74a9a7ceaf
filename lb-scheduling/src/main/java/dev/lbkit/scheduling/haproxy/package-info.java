/**
 * HAProxy's {@code balance} algorithms, picking exactly as HAProxy 2.6 does with one thread: {@code roundrobin},
 * {@code static-rr}, {@code leastconn}, {@code first}, {@code source}, {@code uri}, {@code url_param},
 * {@code hdr(name)}, {@code rdp-cookie(name)}, {@code random(draws)} and {@code hash <expr>}, with map-based or
 * consistent hashing. Start with {@link dev.lbkit.scheduling.haproxy.HaproxyBackend}: build it from the
 * {@code balance} and {@code hash-type} texts and the servers, pick with its
 * {@link dev.lbkit.scheduling.haproxy.HaproxyBackend#scheduler()}, report requests with {@code connectionStarted}
 * and {@code connectionEnded}, and change servers through the runtime API ({@code setState}, {@code setWeight},
 * {@code execute}). {@link dev.lbkit.scheduling.haproxy.HaproxyTraceReplay} replays recorded HAProxy traces.
 */
package dev.lbkit.scheduling.haproxy;
