/**
 * Schedulers by name and the IPVS service model. Start at {@link dev.lbkit.scheduling.Schedulers#create}, which
 * validates a scheduler name, flags and options into a {@link dev.lbkit.scheduling.SchedulerSpec}; an
 * {@link dev.lbkit.scheduling.IpvsService} built from it holds destinations in the kernel's list order, does the
 * kernel's connection bookkeeping and persistence, and picks with its {@link dev.lbkit.scheduling.IpvsScheduler}.
 */
package dev.lbkit.scheduling;
