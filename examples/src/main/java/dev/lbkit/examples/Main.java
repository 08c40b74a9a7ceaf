package dev.lbkit.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code lbkit} command: dispatches to a subcommand. */
public final class Main {
  static final String VERSION = "0.1.0-SNAPSHOT";

  private Main() {}

  /** The subcommands, in the order {@code --help} lists them. Later issues add theirs here. */
  static Map<String, Command> commands() {
    Map<String, Command> commands = new LinkedHashMap<>();
    for (Command c : List.<Command>of(new CheckCommand(), new DemoCommand(), new IpvsadmCommand(), new RunCommand(), new SchedCommand(), new VersionCommand(),
        new VrrpCommand())) {
      commands.put(c.name(), c);
    }
    return commands;
  }

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Runs a command line and returns the exit status; never calls {@code System.exit}. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    Map<String, Command> commands = commands();
    if (args.isEmpty()) {
      usage(err, commands);
      return 2;
    }
    String first = args.get(0);
    if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
      usage(out, commands);
      return 0;
    }
    if (first.equals("--version")) {
      first = "version";
    }
    Command command = commands.get(first);
    if (command == null) {
      err.println("lbkit: unknown subcommand '" + first + "'; run 'lbkit --help' for the list");
      return 2;
    }
    return Command.runReporting(command, args.subList(1, args.size()), out, err);
  }

  private static void usage(PrintStream out, Map<String, Command> commands) {
    out.println("usage: lbkit <subcommand> [options]");
    out.println();
    out.println("subcommands:");
    for (Command c : commands.values()) {
      out.printf("  %-10s %s%n", c.name(), c.summary());
    }
    out.println();
    out.println("Run 'lbkit <subcommand> --help' for its options.");
  }
}
