/** keepalived {@code DNS_CHECK}: start with {@link dev.lbkit.healthcheck.dns.DnsCheck}. */
package dev.lbkit.healthcheck.dns;
