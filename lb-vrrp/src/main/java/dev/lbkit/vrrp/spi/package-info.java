/**
 * The service-provider side of the VRRP engine: {@link dev.lbkit.vrrp.spi.VrrpTransport} for datagrams,
 * {@link dev.lbkit.vrrp.spi.AddressManager} for virtual addresses and {@link dev.lbkit.vrrp.spi.TrafficFilter} for
 * accept mode. Implement them to run VRRP over something other than Linux raw sockets and nftables.
 */
package dev.lbkit.vrrp.spi;
