/**
 * Not API. {@link dev.lbkit.healthcheck.internal.quorum.QuorumRule}, keepalived's quorum rule, shared by
 * {@link dev.lbkit.healthcheck.ServiceQuorum} and lb-director's pools (exported to {@code dev.lbkit.director} only).
 */
package dev.lbkit.healthcheck.internal.quorum;
