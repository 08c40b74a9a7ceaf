/** keepalived and HAProxy health checks on one event loop. */
module dev.lbkit.healthcheck {
  requires transitive dev.lbkit.api;
  requires com.google.common;
  requires org.slf4j;

}
