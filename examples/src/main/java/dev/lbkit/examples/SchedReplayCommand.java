package dev.lbkit.examples;

import dev.lbkit.scheduling.trace.TraceReplayer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code lbkit sched replay FILE...}: replays scheduler trace files (IPVS records carry {@code scheduler}, haproxy
 * records {@code algorithm}) and prints one {@code {"name":...,"picks":[...]}} line per record to standard output, in
 * input order. A record that cannot be replayed is reported on standard error as {@code FILE:LINE: reason}; the
 * others still run, and the exit status is then 1.
 */
final class SchedReplayCommand implements Command {
  @Override
  public String name() {
    return "replay";
  }

  @Override
  public String summary() {
    return "replay trace files (JSON Lines) and print each record's picks";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("replay needs at least one trace file: lbkit sched replay FILE...");
    }
    if (args.contains("--help") || args.contains("-h")) {
      out.println("usage: lbkit sched replay FILE...");
      out.println("Prints {\"name\":...,\"picks\":[...]} per record; errors go to standard error as FILE:LINE: reason.");
      return 0;
    }
    TraceReplayer replayer = TraceReplayer.standard();
    int failed = 0;
    for (String a : args) {
      failed += replayer.replay(Path.of(a), r -> out.println(r.toJsonLine()),
          e -> err.println("lbkit sched replay: " + e.getMessage()));
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
