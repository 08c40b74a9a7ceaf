/**
 * The director: VRRP decides which router is active, the active one keeps its IPVS table in step with health
 * checks, as keepalived does. Start with {@link dev.lbkit.director.Director}.
 */
module dev.lbkit.director {
  requires transitive dev.lbkit.api;
  requires transitive dev.lbkit.config;
  requires transitive dev.lbkit.ipvs;
  requires transitive dev.lbkit.vrrp;
  requires transitive dev.lbkit.healthcheck;
  requires com.google.common;
  requires org.slf4j;

  exports dev.lbkit.director;
  exports dev.lbkit.director.spi;
}
