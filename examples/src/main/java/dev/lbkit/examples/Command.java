package dev.lbkit.examples;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of {@code bin/lbkit}. */
interface Command {

  /** What the user types: {@code demo}, {@code sched}, ... */
  String name();

  /** One line for {@code --help}. */
  String summary();

  /**
   * Runs with the arguments after the subcommand name.
   *
   * @return the exit status: 0 success, 1 a negative result (a check that is down), 2 a usage error
   * @throws UsageException for bad flags or arguments; the launcher prints it and exits 2
   * @throws Exception for failures of the environment; the launcher prints it and exits 1
   */
  int run(List<String> args, PrintStream out, PrintStream err) throws Exception;

  /** Runs {@code command} and returns its exit status, printing a failure's message to {@code err} first. */
  static int runReporting(Command command, List<String> args, PrintStream out, PrintStream err) {
    try {
      return command.run(args, out, err);
    } catch (UsageException e) {
      err.println("lbkit " + command.name() + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("lbkit " + command.name() + ": " + e.getMessage());
      return 1;
    }
  }
}
