package dev.lbkit.scheduling;

import dev.lbkit.api.sched.Destination;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Scheduler;
import java.util.Optional;

/**
 * Base of the IPVS schedulers in {@code dev.lbkit.scheduling.ipvs}: one instance belongs to one {@link IpvsService}
 * and picks among its destinations in the kernel's list order.
 *
 * <p>The service calls the protected hooks, always holding its lock, as the kernel calls a scheduler's
 * {@code init_service}, {@code add_dest}, {@code del_dest} and {@code upd_dest}; in addition it reports every change
 * of a destination's counters or OVERLOAD flag ({@link #countersChanged}), so that schedulers can keep indexes
 * instead of scanning, and the passing of time ({@link #advanceTo}).
 *
 * <p>Threading: {@link #pick(Flow)} and {@link #select(Flow)} may be called from any number of threads at once,
 * concurrently with destination changes. A scheduler that has mutable pick state (rr's cursor, wrr's weight, a
 * cache, an index) runs its {@link #schedule} under the service lock; a scheduler whose pick only reads an immutable
 * table published through a volatile field overrides {@link #lockFreePicks()} and runs without it.
 */
public abstract class IpvsScheduler implements Scheduler {
  private IpvsService service;

  protected IpvsScheduler() {}

  final void attach(IpvsService owner) {
    if (service != null) {
      throw new IllegalStateException("scheduler " + name() + " already belongs to a service");
    }
    service = owner;
  }

  /** The service this scheduler works for. */
  protected final IpvsService service() {
    return service;
  }

  /** The linked destinations in list order (head first). The array is immutable: never write to it. */
  protected final IpvsDestination[] list() {
    return service.listArray();
  }

  /** The service clock in milliseconds (the kernel's jiffies at HZ=1000). */
  protected final long now() {
    return service.nowMillis();
  }

  @Override
  public final Optional<Destination> pick(Flow flow) {
    IpvsDestination d = select(flow);
    return d == null ? Optional.empty() : d.asOptional();
  }

  /**
   * Picks like {@link #pick(Flow)} but returns {@code null} when nothing may be picked; it allocates nothing for
   * IPv4 flows.
   */
  public final IpvsDestination select(Flow flow) {
    if (lockFreePicks()) {
      return schedule(flow);
    }
    synchronized (service.lock()) {
      return schedule(flow);
    }
  }

  /** The kernel's {@code schedule} callback; null when nothing may be picked. */
  protected abstract IpvsDestination schedule(Flow flow);

  /** Whether {@link #schedule} may run without the service lock. */
  protected boolean lockFreePicks() {
    return false;
  }

  /** The service was created with no destinations ({@code init_service}). */
  protected void init() {}

  /** A destination was inserted at the head of the list ({@code add_dest}). */
  protected void added(IpvsDestination d) {}

  /**
   * A destination was unlinked ({@code del_dest}).
   *
   * @param formerIndex its index in the list before removal; the destination before it (if any) is now at
   *     {@code formerIndex - 1}
   */
  protected void removed(IpvsDestination d, int formerIndex) {}

  /** A destination's weight or thresholds were edited, even to the same values ({@code upd_dest}). */
  protected void edited(IpvsDestination d) {}

  /** A destination's active/inactive counters or OVERLOAD flag changed (not a kernel callback). */
  protected void countersChanged(IpvsDestination d) {}

  /** The clock moved forward to {@code nowMillis}; fire timers due at or before it in order. */
  protected void advanceTo(long nowMillis) {}

  /** The scheduler's state for reports and trace checks, as JSON-like maps and lists; empty when stateless. */
  public java.util.Map<String, Object> state() {
    return java.util.Map.of();
  }
}
