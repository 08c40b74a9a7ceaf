package dev.lbkit.director.internal;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.IpvsReconciler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The director's table arithmetic on lb-ipvs's {@link IpvsChange}: the plan from one table to another is
 * {@link IpvsReconciler#diff}'s (deletions, then edits, then additions), restricted to the services the director
 * manages; {@link #apply} is what one change does to a table.
 */
public final class TableDiff {
  private TableDiff() {}

  /** The changes that turn {@code current} into {@code desired}; services outside {@code managed} are not touched. */
  public static List<IpvsChange> between(Collection<LoadBalancedService> current,
      Collection<LoadBalancedService> desired, Set<ServiceKey> managed) {
    List<LoadBalancedService> mine = current.stream().filter(s -> managed.contains(s.service().key())).toList();
    return IpvsReconciler.diff(mine, desired).changes();
  }

  /** {@code table} with one change applied, as IPVS would apply it. */
  public static Map<ServiceKey, LoadBalancedService> apply(Map<ServiceKey, LoadBalancedService> table,
      IpvsChange change) {
    Map<ServiceKey, LoadBalancedService> t = new LinkedHashMap<>(table);
    ServiceKey key = change.serviceKey();
    if (change instanceof IpvsChange.AddService a) {
      t.put(key, new LoadBalancedService(a.service(), List.of()));
    } else if (change instanceof IpvsChange.EditService e) {
      LoadBalancedService old = t.get(key);
      t.put(key, new LoadBalancedService(e.service(), old == null ? List.of() : old.realServers()));
    } else if (change instanceof IpvsChange.DeleteService) {
      t.remove(key);
    } else if (t.containsKey(key)) {
      LoadBalancedService old = t.get(key);
      List<RealServer> servers = new ArrayList<>(old.realServers());
      if (change instanceof IpvsChange.AddDestination a) {
        servers.add(a.destination());
      } else if (change instanceof IpvsChange.EditDestination e) {
        servers.replaceAll(rs -> rs.endpoint().equals(e.destination().endpoint()) ? e.destination() : rs);
      } else if (change instanceof IpvsChange.DeleteDestination d) {
        servers.removeIf(rs -> rs.endpoint().equals(d.destination()));
      }
      t.put(key, new LoadBalancedService(old.service(), servers));
    }
    return t;
  }
}
