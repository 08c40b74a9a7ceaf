/**
 * The service-provider side of the VRRP engine: {@link dev.lbkit.vrrp.spi.VrrpTransport} for datagrams and
 * {@link dev.lbkit.vrrp.spi.AddressManager} for virtual addresses. Implement them to run VRRP over something other
 * than Linux raw sockets.
 */
package dev.lbkit.vrrp.spi;
