package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the IPVS table equal to a desired one with the fewest changes: services and destinations that are missing
 * are added, those that differ are edited, those not wanted are deleted (a deleted service takes its destinations
 * with it, so they are not deleted one by one). Applying the same table twice changes nothing the second time.
 *
 * <pre>{@code
 * IpvsReconciler r = new IpvsReconciler(Ipvs.open());
 * IpvsReconciler.Plan plan = r.plan(desired);           // dry run: what would change
 * IpvsReconciler.Result result = r.apply(desired);      // apply, in one batch
 * if (!result.failed().isEmpty()) { ... result.failed() says which changes the kernel refused, and why }
 * }</pre>
 *
 * <p>The reconciler owns the whole table of its client: services absent from the desired table are deleted.
 * Comparison is on lb-api values, with whole-address persistence ({@code /32}, {@code /128}) equal to persistence
 * without a prefix, as the kernel reports it. Thread safety: as safe as the client; concurrent writers to the same
 * table make plans stale, and a later apply corrects them.
 */
public final class IpvsReconciler {
  private final IpvsClient client;

  /** A plan: the changes, in the order they are applied (deletes, edits, then adds). */
  public record Plan(List<IpvsChange> changes) {
    public Plan {
      changes = List.copyOf(changes);
    }

    /** Whether the table is already as desired. */
    public boolean isEmpty() {
      return changes.isEmpty();
    }
  }

  /**
   * What an apply did: every change of the plan is in exactly one of {@code applied} and {@code failed}.
   *
   * @param plan the plan that was applied
   * @param applied the changes the kernel made, in order
   * @param failed the changes it refused, with why, in order
   */
  public record Result(Plan plan, List<IpvsChange> applied, Map<IpvsChange, IpvsException> failed) {
    public Result {
      applied = List.copyOf(applied);
      failed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failed));
    }

    /** Whether every change was applied. */
    public boolean complete() {
      return failed.isEmpty();
    }
  }

  public IpvsReconciler(IpvsClient client) {
    this.client = requireNonNull(client, "client");
  }

  /**
   * The changes that would make the live table equal to {@code desired}; changes nothing.
   *
   * @throws IpvsException if the live table cannot be read
   * @throws IllegalArgumentException if {@code desired} has a service key twice
   */
  public Plan plan(Collection<LoadBalancedService> desired) throws IpvsException {
    return diff(client.table(), desired);
  }

  /**
   * Plans and applies. Refusals do not stop the rest: the kernel applies every other change, and the result says
   * exactly which were and were not applied.
   *
   * @throws IpvsException if the live table cannot be read or the exchange itself breaks (then the message says
   *     how many changes were confirmed; plan again to see what is left)
   */
  public Result apply(Collection<LoadBalancedService> desired) throws IpvsException {
    return execute(plan(desired));
  }

  /**
   * Applies a plan as it is, without reading the live table. For a controller that is the only writer of the
   * table and plans with {@code diff(lastAppliedTable, desired)}: then a change costs in proportion to its size,
   * not to the table's (reading back 100,000 destinations is what {@link #apply} spends most of its time on).
   * If someone else changed the table, some changes fail and say so, and a later {@link #apply} repairs it.
   *
   * @throws IpvsException if the exchange itself breaks
   */
  public Result execute(Plan plan) throws IpvsException {
    if (plan.isEmpty()) {
      return new Result(plan, List.of(), Map.of());
    }
    List<Optional<IpvsException>> outcomes = client.execute(plan.changes());
    List<IpvsChange> applied = new ArrayList<>();
    Map<IpvsChange, IpvsException> failed = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      IpvsChange c = plan.changes().get(i);
      if (outcomes.get(i).isPresent()) {
        failed.put(c, outcomes.get(i).get());
      } else {
        applied.add(c);
      }
    }
    return new Result(plan, applied, failed);
  }

  /**
   * The minimal changes from {@code live} to {@code desired}, without I/O. A service of {@code desired} that is the
   * very object of {@code live} (a desired table derived from the previous one) costs one lookup, and one whose
   * servers are listed in the same or the reverse order (the kernel's listing) is compared without maps; only
   * services that differ, or whose servers are listed in another order, are compared server by server.
   *
   * @throws IllegalArgumentException if {@code desired} has a service key twice
   */
  public static Plan diff(Collection<LoadBalancedService> live, Collection<LoadBalancedService> desired) {
    Map<ServiceKey, LoadBalancedService> want = new LinkedHashMap<>();
    for (LoadBalancedService s : desired) {
      if (want.put(s.service().key(), s) != null) {
        throw new IllegalArgumentException("desired table has service " + s.service().key() + " twice");
      }
    }
    Map<ServiceKey, LoadBalancedService> have = new LinkedHashMap<>();
    for (LoadBalancedService s : live) {
      have.put(s.service().key(), s);
    }
    List<IpvsChange> deletes = new ArrayList<>();
    List<IpvsChange> edits = new ArrayList<>();
    List<IpvsChange> adds = new ArrayList<>();
    for (LoadBalancedService h : have.values()) {
      if (!want.containsKey(h.service().key())) {
        deletes.add(new IpvsChange.DeleteService(h.service().key()));
      }
    }
    for (LoadBalancedService w : want.values()) {
      ServiceKey key = w.service().key();
      LoadBalancedService h = have.get(key);
      if (h == null) {
        adds.add(new IpvsChange.AddService(w.service()));
        for (RealServer rs : w.realServers()) {
          adds.add(new IpvsChange.AddDestination(key, rs));
        }
        continue;
      }
      if (h == w) {
        continue; // the same object: unchanged (plans between desired tables that share their unchanged entries)
      }
      if (!canonical(h.service()).equals(canonical(w.service()))) {
        edits.add(new IpvsChange.EditService(w.service()));
      }
      if (sameServers(h.realServers(), w.realServers())) {
        continue;
      }
      Map<Endpoint, RealServer> haveServers = new LinkedHashMap<>();
      for (RealServer rs : h.realServers()) {
        haveServers.put(rs.endpoint(), rs);
      }
      Map<Endpoint, RealServer> wantServers = new LinkedHashMap<>();
      for (RealServer rs : w.realServers()) {
        wantServers.put(rs.endpoint(), rs);
      }
      for (RealServer rs : h.realServers()) {
        if (!wantServers.containsKey(rs.endpoint())) {
          deletes.add(new IpvsChange.DeleteDestination(key, rs.endpoint()));
        }
      }
      for (RealServer rs : w.realServers()) {
        RealServer current = haveServers.get(rs.endpoint());
        if (current == null) {
          adds.add(new IpvsChange.AddDestination(key, rs));
        } else if (!current.equals(rs)) {
          edits.add(new IpvsChange.EditDestination(key, rs));
        }
      }
    }
    List<IpvsChange> all = new ArrayList<>(deletes.size() + edits.size() + adds.size());
    all.addAll(deletes);
    all.addAll(edits);
    all.addAll(adds);
    return new Plan(all);
  }

  /**
   * Whether both lists hold equal servers in the same order or in reverse order (the kernel lists a service's
   * newest destination first): then no destination changes, found without a map per service. Other orders are
   * left to the maps.
   */
  private static boolean sameServers(List<RealServer> have, List<RealServer> want) {
    int n = have.size();
    if (n != want.size()) {
      return false;
    }
    int i = 0;
    while (i < n && have.get(i).equals(want.get(i))) {
      i++;
    }
    if (i == n) {
      return true;
    }
    for (int j = 0; j < n; j++) {
      if (!have.get(j).equals(want.get(n - 1 - j))) {
        return false;
      }
    }
    return true;
  }

  /** The service as the kernel reports it: whole-address persistence has no prefix length. */
  private static VirtualService canonical(VirtualService s) {
    if (s.persistence().isPresent()) {
      Persistence p = s.persistence().get();
      if (p.prefixLength().isPresent() && p.prefixLength().getAsInt() == s.key().family().bits()) {
        return s.toBuilder().persistence(Persistence.of(p.timeout())).build();
      }
    }
    return s;
  }
}
