package dev.lbkit.director;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.director.internal.TableDiff;
import dev.lbkit.director.spi.TableWriter;
import dev.lbkit.ipvs.IpvsChange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A strict table in memory that records every change and can be told to fail some. */
final class RecordingTableWriter implements TableWriter {
  Map<ServiceKey, LoadBalancedService> table = new LinkedHashMap<>();
  final List<IpvsChange> applied = new ArrayList<>();
  Predicate<IpvsChange> failing = c -> false;

  @Override
  public List<LoadBalancedService> read() {
    return List.copyOf(table.values());
  }

  @Override
  public void apply(IpvsChange change) throws IOException {
    if (failing.test(change)) {
      throw new IOException("injected failure for " + change);
    }
    boolean exists = table.containsKey(change.serviceKey());
    if (change instanceof IpvsChange.AddService && exists) {
      throw new IOException("service exists: " + change);
    }
    if (!(change instanceof IpvsChange.AddService) && !exists) {
      throw new IOException("no such service: " + change);
    }
    if (change instanceof IpvsChange.AddDestination a
        && table.get(a.service()).realServer(a.destination().endpoint()).isPresent()) {
      throw new IOException("destination exists: " + change);
    }
    table = TableDiff.apply(table, change);
    applied.add(change);
  }

  List<IpvsChange> drain() {
    List<IpvsChange> out = List.copyOf(applied);
    applied.clear();
    return out;
  }
}
