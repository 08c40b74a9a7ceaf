/**
 * The scheduler test kit (in lb-scheduling's test-jar): jqwik contracts a user implements to test a
 * {@link dev.lbkit.api.sched.Scheduler} of their own, the way lbkit tests its IPVS and HAProxy schedulers. Start
 * with {@link dev.lbkit.scheduling.testkit.SchedulerContract}; add
 * {@link dev.lbkit.scheduling.testkit.DeterministicSchedulerContract},
 * {@link dev.lbkit.scheduling.testkit.WeightedSchedulerContract} or
 * {@link dev.lbkit.scheduling.testkit.ConsistentHashContract} for further promises. Generators live in
 * {@link dev.lbkit.scheduling.testkit.SchedulerArbitraries}.
 */
package dev.lbkit.scheduling.testkit;
