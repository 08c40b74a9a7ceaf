package dev.lbkit.examples;

import dev.lbkit.api.io.InputFiles;
import dev.lbkit.scheduling.sim.Change;
import dev.lbkit.scheduling.sim.CsvWorkload;
import dev.lbkit.scheduling.sim.SimDestination;
import dev.lbkit.scheduling.sim.SimScheduler;
import dev.lbkit.scheduling.sim.SimulationReport;
import dev.lbkit.scheduling.sim.Simulator;
import dev.lbkit.scheduling.sim.Workload;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lbkit sched simulate}: replays a synthetic or CSV workload through IPVS and HAProxy schedulers and prints
 * per-scheduler imbalance, disruption and response-time tail, optionally writing an SVG chart.
 */
final class SchedSimulateCommand implements Command {
  /**
   * The largest --trace file read: a CSV workload is held in memory whole, and 64 MiB (the limit of a replayed trace,
   * about two million connection lines) is more than a simulation needs. A larger regular file is refused before a
   * line is read; a pipe or device once past it.
   */
  static final long MAX_TRACE_BYTES = 64L << 20;

  private static final String USAGE = String.join(System.lineSeparator(),
      "usage: lbkit sched simulate [options]",
      "  --servers s1=1,s2=2/16,...   destinations: NAME=WEIGHT[/WORKERS] (default s1=1,s2=1,s3=1,s4=1)",
      "  --workers N                  default workers per destination (8)",
      "  --scheduler NAME             repeatable; an IPVS name (rr, wlc, mh, ...) or a HAProxy balance text with an",
      "                               optional @hash-type, e.g. 'uri depth 2@consistent' (default: rr, wlc,",
      "                               roundrobin, leastconn, source@consistent)",
      "  --trace FILE.csv             read the workload from CSV instead of generating it; lines (ms, in time order):",
      "                                 conn,TIME,DURATION,COST,CLIENT_IP[,URI]   fail,TIME,NAME   recover,TIME,NAME",
      "                                 weight,TIME,NAME,W    ('#' comments and an 'event,...' header are skipped)",
      "  --connections N --rate PER_S --duration MEAN --cost MEAN --clients N --seed S",
      "                               synthetic workload (200000, 10000, 50ms, 2ms, 5000, 42)",
      "  --fail NAME@T --recover NAME@T --weight NAME=W@T   repeatable destination changes (T like 5s, 250ms)",
      "  --svg FILE                   also write an SVG chart",
      "Mconn/s is scheduled connections per second of the simulating thread's CPU time.");

  @Override
  public String name() {
    return "simulate";
  }

  @Override
  public String summary() {
    return "simulate a workload through schedulers: imbalance, disruption, tail latency";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException, IOException {
    String servers = "s1=1,s2=1,s3=1,s4=1";
    int workers = 8;
    List<String> schedulers = new ArrayList<>();
    Path trace = null;
    Path svg = null;
    int connections = 200_000;
    double rate = 10_000;
    String duration = "50ms";
    String cost = "2ms";
    int clients = 5_000;
    long seed = 42;
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE);
        return 0;
      }
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'\n" + USAGE);
      }
      if (i + 1 >= args.size()) {
        throw new UsageException(a + " needs a value");
      }
      String v = args.get(++i);
      try {
        switch (a) {
          case "--servers":
            servers = v;
            break;
          case "--workers":
            workers = positiveInt(a, v);
            break;
          case "--scheduler":
            schedulers.add(v);
            break;
          case "--trace":
            trace = Path.of(v);
            break;
          case "--svg":
            svg = Path.of(v);
            break;
          case "--connections":
            connections = positiveInt(a, v);
            break;
          case "--rate":
            rate = Double.parseDouble(v);
            if (!(rate > 0)) {
              throw new UsageException("--rate must be above 0 but was " + v);
            }
            break;
          case "--duration":
            duration = v;
            break;
          case "--cost":
            cost = v;
            break;
          case "--clients":
            clients = positiveInt(a, v);
            break;
          case "--seed":
            seed = Long.parseLong(v);
            break;
          case "--fail":
            changes.add(Change.parse(Change.Kind.FAIL, v));
            break;
          case "--recover":
            changes.add(Change.parse(Change.Kind.RECOVER, v));
            break;
          case "--weight":
            changes.add(Change.parse(Change.Kind.WEIGHT, v));
            break;
          default:
            throw new UsageException("unknown option " + a + "\n" + USAGE);
        }
      } catch (NumberFormatException e) {
        throw new UsageException(a + " needs a number but got '" + v + "'");
      } catch (IllegalArgumentException e) {
        throw new UsageException(a + ": " + e.getMessage());
      }
    }
    List<SimDestination> destinations = new ArrayList<>();
    List<SimScheduler> engines = new ArrayList<>();
    Workload workload;
    try {
      for (String s : servers.split(",")) {
        destinations.add(SimDestination.parse(s.trim(), workers));
      }
      if (schedulers.isEmpty()) {
        schedulers.addAll(List.of("rr", "wlc", "roundrobin", "leastconn", "source@consistent"));
      }
      for (String s : schedulers) {
        engines.add(SimScheduler.parse(s));
      }
      if (trace != null) {
        try (BufferedReader r = InputFiles.openUtf8(trace, MAX_TRACE_BYTES, "trace")) {
          workload = CsvWorkload.read(r, trace.toString());
        } catch (IOException e) {
          throw IoErrors.cannotRead(trace, e);
        }
        List<Change> all = new ArrayList<>(workload.changes());
        all.addAll(changes);
        workload = workload.withChanges(all);
      } else {
        workload = Workload.synthetic(new Workload.Synthetic(connections, rate, micros("--duration", duration),
            micros("--cost", cost), clients, seed, changes));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    SimulationReport report;
    try {
      report = Simulator.cpuTimed(destinations).run(workload, engines);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    out.print(report.table());
    if (svg != null) {
      Files.writeString(svg, report.svg(), StandardCharsets.UTF_8);
      out.println("chart written to " + svg);
    }
    return 0;
  }

  private static long micros(String option, String text) throws UsageException {
    try {
      return Workload.parseMicros(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " must be a duration like 50ms or 1.5s but was '" + text + "'");
    }
  }

  private static int positiveInt(String option, String v) throws UsageException {
    int n = Integer.parseInt(v);
    if (n < 1) {
      throw new UsageException(option + " must be at least 1 but was " + v);
    }
    return n;
  }
}
