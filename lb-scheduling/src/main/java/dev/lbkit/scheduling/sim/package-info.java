/**
 * A load simulator beside the schedulers: replay a {@link dev.lbkit.scheduling.sim.Workload} (synthetic, or read
 * by {@link dev.lbkit.scheduling.sim.CsvWorkload}) through IPVS and HAProxy schedulers with
 * {@link dev.lbkit.scheduling.sim.Simulator} and read the {@link dev.lbkit.scheduling.sim.SimulationReport}.
 */
package dev.lbkit.scheduling.sim;
