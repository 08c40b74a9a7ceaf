package dev.lbkit.examples;

import java.io.PrintStream;
import java.util.List;

/** {@code lbkit version}. */
final class VersionCommand implements Command {
  @Override
  public String name() {
    return "version";
  }

  @Override
  public String summary() {
    return "print the lbkit version";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    if (!args.isEmpty()) {
      throw new UsageException("takes no arguments but got " + args);
    }
    out.println("lbkit " + Main.VERSION + " (Java " + Runtime.version() + ")");
    return 0;
  }
}
