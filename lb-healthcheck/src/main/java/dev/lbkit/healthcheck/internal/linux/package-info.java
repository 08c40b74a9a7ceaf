/**
 * The Linux native edge of lb-healthcheck: plain TCP connect checks straight on epoll through JNA
 * ({@link dev.lbkit.healthcheck.internal.linux.EpollConnector}). Not API. Where the binding does not load
 * ({@link dev.lbkit.healthcheck.internal.linux.EpollConnector#unavailabilityCause()}), the event loop checks with the
 * JDK's channels instead.
 */
package dev.lbkit.healthcheck.internal.linux;
