/** keepalived {@code TCP_CHECK}: start with {@link dev.lbkit.healthcheck.tcp.TcpCheck}. */
package dev.lbkit.healthcheck.tcp;
