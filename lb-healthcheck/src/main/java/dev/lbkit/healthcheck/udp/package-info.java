/** keepalived {@code UDP_CHECK}: start with {@link dev.lbkit.healthcheck.udp.UdpCheck}. */
package dev.lbkit.healthcheck.udp;
