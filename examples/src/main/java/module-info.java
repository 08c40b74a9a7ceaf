/** The lbkit command line and demos; uses the public API only. */
module dev.lbkit.examples {
  requires dev.lbkit.api;
  requires dev.lbkit.scheduling;
  requires dev.lbkit.ipvs;
  requires dev.lbkit.vrrp;
  requires dev.lbkit.healthcheck;
  requires dev.lbkit.config;
  requires dev.lbkit.director;
  requires jdk.httpserver;
}
