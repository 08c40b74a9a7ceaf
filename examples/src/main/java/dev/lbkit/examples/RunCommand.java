package dev.lbkit.examples;

import dev.lbkit.config.ConfigProblem;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.config.ParseResult;
import dev.lbkit.ipvs.IpvsadmFormat;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code lbkit run}: runs the director from a keepalived.conf; {@code --config-test} only checks the file, as
 * {@code keepalived -t} does.
 */
final class RunCommand implements Command {
  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "check a keepalived.conf (--config-test FILE) and print its IPVS table";
  }

  private static void usage(PrintStream out) {
    out.println("usage: lbkit run --config-test FILE");
    out.println();
    out.println("  --config-test FILE  check FILE as keepalived -t does: print its virtual servers as ipvsadm -Ln");
    out.println("                      would show them once installed and exit 0, or print every error as");
    out.println("                      FILE:LINE:COLUMN: message and exit 1; warnings do not fail the check");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    if (args.contains("--help")) {
      usage(out);
      return 0;
    }
    if (args.size() == 2 && args.get(0).equals("--config-test")) {
      return configTest(Path.of(args.get(1)), out, err);
    }
    throw new UsageException("expected --config-test FILE but got " + args + "; see 'lbkit run --help'");
  }

  static int configTest(Path file, PrintStream out, PrintStream err) {
    ParseResult result = KeepalivedConfigParser.parse(file);
    for (ConfigProblem warning : result.warnings()) {
      err.println(warning);
    }
    if (!result.ok()) {
      for (ConfigProblem error : result.errors()) {
        err.println(error);
      }
      err.println(file + ": " + result.errors().size() + (result.errors().size() == 1 ? " error" : " errors"));
      return 1;
    }
    out.print(IpvsadmFormat.listNumeric(result.config().initialTable()));
    return 0;
  }
}
