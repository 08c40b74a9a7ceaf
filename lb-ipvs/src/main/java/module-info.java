/** A generic-netlink client for kernel IPVS, its in-memory twin, and ipvsadm-compatible formatting. */
@SuppressWarnings("module") // dev.lbkit.vrrp is built after this module
module dev.lbkit.ipvs {
  requires transitive dev.lbkit.api;
  requires com.sun.jna;
  requires com.google.common;
  requires org.slf4j;
  exports dev.lbkit.ipvs;
  exports dev.lbkit.ipvs.internal.netlink to dev.lbkit.vrrp; // shared plumbing (rtnetlink for VIPs), not API
  opens dev.lbkit.ipvs.internal.jna to com.sun.jna; // JNA binds the native methods reflectively
}
