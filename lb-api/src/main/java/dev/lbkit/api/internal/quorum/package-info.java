/**
 * Not API. keepalived's quorum rule ({@link dev.lbkit.api.internal.quorum.QuorumRule}) and what it does to a virtual
 * service's table ({@link dev.lbkit.api.internal.quorum.QuorumTable}), the one implementation behind lb-config's
 * reading of a {@code virtual_server} (its values in force and its table at start), lb-healthcheck's
 * {@code ServiceQuorum} and lb-director's pools. Exported to those three modules only.
 */
package dev.lbkit.api.internal.quorum;
