/**
 * Scheduler trace files (JSON Lines) and their replay: {@link dev.lbkit.scheduling.trace.TraceReplayer} reads a
 * file, hands each record to the {@link dev.lbkit.scheduling.trace.TraceFormat} whose key it carries
 * ({@code scheduler} for IPVS, {@code algorithm} for haproxy) and reports picks or file:line errors.
 */
package dev.lbkit.scheduling.trace;
