package dev.lbkit.director.internal;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.director.TableChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The smallest list of {@link TableChange}s that turns one table into another: services first removed, then per
 * service its own edit, removed destinations, changed ones and added ones. Services outside {@code managed} are
 * never touched.
 */
public final class TableDiff {
  private TableDiff() {}

  public static List<TableChange> between(Collection<LoadBalancedService> current,
      Collection<LoadBalancedService> desired, Set<ServiceKey> managed) {
    Map<ServiceKey, LoadBalancedService> now = byKey(current);
    Map<ServiceKey, LoadBalancedService> want = byKey(desired);
    List<TableChange> changes = new ArrayList<>();
    for (ServiceKey key : now.keySet()) {
      if (managed.contains(key) && !want.containsKey(key)) {
        changes.add(new TableChange.DeleteService(key));
      }
    }
    for (LoadBalancedService w : want.values()) {
      ServiceKey key = w.service().key();
      LoadBalancedService n = now.get(key);
      if (n == null) {
        changes.add(new TableChange.AddService(w.service()));
        for (RealServer rs : w.realServers()) {
          changes.add(new TableChange.AddDestination(key, rs));
        }
        continue;
      }
      if (!n.service().equals(w.service())) {
        changes.add(new TableChange.EditService(w.service()));
      }
      Map<Endpoint, RealServer> have = new LinkedHashMap<>();
      n.realServers().forEach(rs -> have.put(rs.endpoint(), rs));
      for (RealServer rs : n.realServers()) {
        if (w.realServer(rs.endpoint()).isEmpty()) {
          changes.add(new TableChange.DeleteDestination(key, rs.endpoint()));
        }
      }
      for (RealServer rs : w.realServers()) {
        RealServer old = have.get(rs.endpoint());
        if (old != null && !old.equals(rs)) {
          changes.add(new TableChange.EditDestination(key, rs));
        }
      }
      for (RealServer rs : w.realServers()) {
        if (!have.containsKey(rs.endpoint())) {
          changes.add(new TableChange.AddDestination(key, rs));
        }
      }
    }
    return changes;
  }

  private static Map<ServiceKey, LoadBalancedService> byKey(Collection<LoadBalancedService> table) {
    Map<ServiceKey, LoadBalancedService> m = new LinkedHashMap<>();
    for (LoadBalancedService s : table) {
      m.put(s.service().key(), s);
    }
    return m;
  }

  /** {@code table} with one change applied, as IPVS would apply it. */
  public static Map<ServiceKey, LoadBalancedService> apply(Map<ServiceKey, LoadBalancedService> table,
      TableChange change) {
    Map<ServiceKey, LoadBalancedService> t = new LinkedHashMap<>(table);
    ServiceKey key = change.service();
    if (change instanceof TableChange.AddService a) {
      t.put(key, new LoadBalancedService(a.value(), List.of()));
    } else if (change instanceof TableChange.EditService e) {
      LoadBalancedService old = t.get(key);
      t.put(key, new LoadBalancedService(e.value(), old == null ? List.of() : old.realServers()));
    } else if (change instanceof TableChange.DeleteService) {
      t.remove(key);
    } else if (t.containsKey(key)) {
      LoadBalancedService old = t.get(key);
      List<RealServer> servers = new ArrayList<>(old.realServers());
      if (change instanceof TableChange.AddDestination a) {
        servers.add(a.destination());
      } else if (change instanceof TableChange.EditDestination e) {
        servers.replaceAll(rs -> rs.endpoint().equals(e.destination().endpoint()) ? e.destination() : rs);
      } else if (change instanceof TableChange.DeleteDestination d) {
        servers.removeIf(rs -> rs.endpoint().equals(d.destination()));
      }
      t.put(key, new LoadBalancedService(old.service(), servers));
    }
    return t;
  }
}
