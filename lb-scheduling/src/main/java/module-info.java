/** IPVS and HAProxy schedulers that pick exactly as the kernel and haproxy do, and a load simulator. */
module dev.lbkit.scheduling {
  requires transitive dev.lbkit.api;
  requires com.google.common;
  requires org.slf4j;
  requires java.management; // the simulator's thread CPU clock

  exports dev.lbkit.scheduling;
  exports dev.lbkit.scheduling.haproxy;
  exports dev.lbkit.scheduling.ipvs;
  exports dev.lbkit.scheduling.sim;
  exports dev.lbkit.scheduling.trace;
}
