/**
 * Not API. {@link dev.lbkit.api.internal.quorum.QuorumRule}, keepalived's quorum rule, the one implementation behind
 * lb-config's reading of a {@code virtual_server} (its values in force and its table at start), lb-healthcheck's
 * {@code ServiceQuorum} and lb-director's pools. Exported to those three modules only.
 */
package dev.lbkit.api.internal.quorum;
