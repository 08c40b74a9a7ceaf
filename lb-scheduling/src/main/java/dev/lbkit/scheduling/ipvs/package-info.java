/**
 * The Linux kernel's IPVS schedulers, one class per {@code net/netfilter/ipvs/ip_vs_*.c}: each picks exactly what
 * the kernel picks for the same destinations, counters and flow, tie-breaking included. Each class's Javadoc states
 * its rule. Create them through {@link dev.lbkit.scheduling.IpvsService}, which owns the destination list.
 */
package dev.lbkit.scheduling.ipvs;
