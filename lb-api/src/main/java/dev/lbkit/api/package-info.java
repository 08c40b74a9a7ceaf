/**
 * Immutable values describing a load balancer: {@link dev.lbkit.api.VirtualService} (what clients connect to),
 * {@link dev.lbkit.api.RealServer} (where connections go) and {@link dev.lbkit.api.LoadBalancedService} (both).
 * Every value validates itself on construction and names the field and value it rejects.
 */
package dev.lbkit.api;
