/**
 * Not API. The event loop ({@link dev.lbkit.healthcheck.internal.EventLoop}: one selector thread, timers, a task
 * inbox), the probes that run one attempt on it (network: {@code NetProbe} with {@code TlsLayer}; programs:
 * {@code ProcessProbe}), and {@link dev.lbkit.healthcheck.internal.TargetMonitor}, the rise/fall state machine.
 */
package dev.lbkit.healthcheck.internal;
