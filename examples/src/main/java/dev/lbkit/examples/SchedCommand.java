package dev.lbkit.examples;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lbkit sched SUBCOMMAND ...}: scheduler tools. Each subcommand is its own {@link Command}; add one by listing
 * it in {@link #subcommands()}.
 */
final class SchedCommand implements Command {

  /** The subcommands, in the order {@code lbkit sched --help} lists them. */
  static Map<String, Command> subcommands() {
    Map<String, Command> m = new LinkedHashMap<>();
    for (Command c : List.<Command>of(new SchedReplayCommand(), new SchedSimulateCommand())) {
      m.put(c.name(), c);
    }
    return m;
  }

  @Override
  public String name() {
    return "sched";
  }

  @Override
  public String summary() {
    return "scheduler tools: replay kernel/haproxy traces, simulate load";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    Map<String, Command> subs = subcommands();
    if (args.isEmpty()) {
      usage(err, subs);
      return 2;
    }
    String first = args.get(0);
    if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
      usage(out, subs);
      return 0;
    }
    Command sub = subs.get(first);
    if (sub == null) {
      throw new UsageException("unknown sched subcommand '" + first + "'; one of " + String.join(", ", subs.keySet()));
    }
    return sub.run(args.subList(1, args.size()), out, err);
  }

  private static void usage(PrintStream out, Map<String, Command> subs) {
    out.println("usage: lbkit sched <subcommand> [options]");
    out.println();
    for (Command c : subs.values()) {
      out.printf("  %-10s %s%n", c.name(), c.summary());
    }
  }
}
