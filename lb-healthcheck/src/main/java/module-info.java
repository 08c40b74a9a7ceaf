/**
 * keepalived and HAProxy health checks on one event loop.
 *
 * <p>Start with {@link dev.lbkit.healthcheck.HealthChecker}: add {@link dev.lbkit.healthcheck.Target}s, each a
 * destination with a check ({@code tcp}, {@code http}, {@code misc}, {@code smtp}, {@code dns}, {@code udp},
 * {@code agent} packages) and a {@link dev.lbkit.healthcheck.CheckPolicy}; listen for lb-api destination events.
 */
@SuppressWarnings("module") // dev.lbkit.director is built after this module
module dev.lbkit.healthcheck {
  requires transitive dev.lbkit.api;
  requires com.google.common;
  requires com.sun.jna; // MISC_CHECK programs (internal.jna); TCP connect checks on epoll (internal.linux)
  requires org.slf4j;

  exports dev.lbkit.healthcheck;
  exports dev.lbkit.healthcheck.tcp;
  exports dev.lbkit.healthcheck.http;
  exports dev.lbkit.healthcheck.misc;
  exports dev.lbkit.healthcheck.smtp;
  exports dev.lbkit.healthcheck.dns;
  exports dev.lbkit.healthcheck.udp;
  exports dev.lbkit.healthcheck.agent;
  exports dev.lbkit.healthcheck.internal.jna to dev.lbkit.director; // notify hooks start as MISC_CHECK programs do
  opens dev.lbkit.healthcheck.internal.jna to com.sun.jna; // JNA binds the native methods reflectively
  opens dev.lbkit.healthcheck.internal.linux to com.sun.jna; // JNA binds the native methods reflectively
}
