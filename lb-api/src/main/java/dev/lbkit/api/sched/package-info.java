/**
 * The scheduler SPI: a {@link dev.lbkit.api.sched.Scheduler} picks a {@link dev.lbkit.api.sched.Destination} for a
 * {@link dev.lbkit.api.sched.Flow} (layer 4) or a {@link dev.lbkit.api.sched.Request} (layer 7), or returns empty
 * when nothing may be picked. Implementations live in lb-scheduling; users may write their own.
 */
package dev.lbkit.api.sched;
