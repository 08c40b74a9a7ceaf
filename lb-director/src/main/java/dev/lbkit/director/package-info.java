/**
 * The director: {@link dev.lbkit.director.Director} keeps an IPVS table in step with VRRP and health checks;
 * {@link dev.lbkit.director.ServicePool} holds a service with keepalived's pool rules.
 */
package dev.lbkit.director;
