/** A generic-netlink client for kernel IPVS, its in-memory twin, and ipvsadm-compatible formatting. */
module dev.lbkit.ipvs {
  requires transitive dev.lbkit.api;
  requires com.sun.jna;
  requires com.google.common;
  requires org.slf4j;
  exports dev.lbkit.ipvs;
}
