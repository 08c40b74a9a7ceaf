/** A VRRP v2/v3 engine (RFC 3768, RFC 5798) that interoperates with keepalived. */
module dev.lbkit.vrrp {
  requires transitive dev.lbkit.api;
  requires dev.lbkit.ipvs;
  requires com.sun.jna;
  requires com.google.common;
  requires org.slf4j;

  exports dev.lbkit.vrrp;
  exports dev.lbkit.vrrp.spi;
  opens dev.lbkit.vrrp.internal.linux to com.sun.jna; // JNA binds LibC's native methods reflectively
}
