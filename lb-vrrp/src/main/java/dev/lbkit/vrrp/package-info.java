/**
 * A VRRP v2/v3 engine (RFC 3768, RFC 5798) that interoperates with keepalived.
 *
 * <p>Start with {@link dev.lbkit.vrrp.VrrpRouter}: give it a transport and an address manager (the Linux ones from
 * {@link dev.lbkit.vrrp.LinuxVrrp}, or the simulated {@link dev.lbkit.vrrp.InMemoryVrrpNetwork}), one
 * {@link dev.lbkit.vrrp.VrrpConfig} per instance, and listeners for
 * {@link dev.lbkit.api.event.VrrpStateChanged} events. Tracked objects are callbacks, polled checks or programs
 * ({@link dev.lbkit.vrrp.VrrpScript}, keepalived's vrrp_script with rise/fall); accept mode off needs a
 * {@link dev.lbkit.vrrp.spi.TrafficFilter} (the Linux builder brings the nftables one).
 */
package dev.lbkit.vrrp;
