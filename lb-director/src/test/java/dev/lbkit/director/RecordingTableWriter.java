package dev.lbkit.director;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.director.internal.TableDiff;
import dev.lbkit.director.spi.TableWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A strict table in memory that records every change and can be told to fail some. */
final class RecordingTableWriter implements TableWriter {
  Map<ServiceKey, LoadBalancedService> table = new LinkedHashMap<>();
  final List<TableChange> applied = new ArrayList<>();
  Predicate<TableChange> failing = c -> false;

  @Override
  public List<LoadBalancedService> read() {
    return List.copyOf(table.values());
  }

  @Override
  public void apply(TableChange change) throws IOException {
    if (failing.test(change)) {
      throw new IOException("injected failure for " + change);
    }
    boolean exists = table.containsKey(change.service());
    if (change instanceof TableChange.AddService && exists) {
      throw new IOException("service exists: " + change);
    }
    if (!(change instanceof TableChange.AddService) && !exists) {
      throw new IOException("no such service: " + change);
    }
    if (change instanceof TableChange.AddDestination a
        && table.get(a.service()).realServer(a.destination().endpoint()).isPresent()) {
      throw new IOException("destination exists: " + change);
    }
    table = TableDiff.apply(table, change);
    applied.add(change);
  }

  List<TableChange> drain() {
    List<TableChange> out = List.copyOf(applied);
    applied.clear();
    return out;
  }
}
