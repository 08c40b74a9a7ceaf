package dev.lbkit.examples;

import dev.lbkit.ipvs.InMemoryIpvs;
import dev.lbkit.ipvs.Ipvs;
import dev.lbkit.ipvs.IpvsClient;
import dev.lbkit.ipvs.IpvsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code lbkit ipvsadm}: the ipvsadm command line on lbkit's public IPVS API. For the same table, {@code -L -n}
 * and {@code -S -n} print byte for byte what ipvsadm 1.31 prints. Output is always numeric ({@code -n} is
 * implied: lbkit resolves no names). With {@code --in-memory} it works on an {@link InMemoryIpvs} that lives for
 * this one process; {@code -R} then accepts any ipvsadm command per line, including {@code -L} and {@code -S}, so a
 * whole session runs in one process.
 *
 * <p>This class is the shell: it opens the table and runs one command on it. {@link IpvsadmParser} reads the command
 * line into {@link IpvsadmArgs}, {@link IpvsadmListing} prints {@code -L} and {@code -S}, {@link IpvsadmRestore}
 * runs {@code -R}.
 */
final class IpvsadmCommand implements Command {
  /** Opens the table a run works on: the kernel's, or an in-memory one. */
  interface Opener {
    IpvsClient open(boolean inMemory) throws IpvsException;
  }

  private final Supplier<InputStream> stdin;
  private final Opener opener;

  IpvsadmCommand() {
    this(() -> System.in);
  }

  IpvsadmCommand(Supplier<InputStream> stdin) {
    this(stdin, inMemory -> inMemory ? new InMemoryIpvs() : Ipvs.open());
  }

  /** For tests: {@code opener} may hand out any client, e.g. an in-memory one behind the kernel's batched -R. */
  IpvsadmCommand(Supplier<InputStream> stdin, Opener opener) {
    this.stdin = stdin;
    this.opener = opener;
  }

  @Override
  public String name() {
    return "ipvsadm";
  }

  @Override
  public String summary() {
    return "ipvsadm-compatible IPVS administration (kernel, or --in-memory)";
  }

  @Override
  public int run(List<String> rawArgs, PrintStream out, PrintStream err) throws Exception {
    List<String> args = new ArrayList<>(rawArgs);
    boolean inMemory = args.remove("--in-memory");
    if (args.contains("--help") || args.contains("-h")) {
      usage(out);
      return 0;
    }
    if (args.isEmpty()) {
      args.add("-L"); // as ipvsadm without arguments lists the table
    }
    // a value lbkit's types refuse (address 300.0.0.1, a non-contiguous mask) is a usage error, exit 2, as in ipvsadm
    IpvsadmArgs a;
    try {
      a = IpvsadmParser.parse(args);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    // a table that cannot be opened throws on: exit status 1, as ipvsadm's when it cannot reach IPVS
    IpvsClient table = opener.open(inMemory);
    try (IpvsClient ipvs = table) {
      return execute(ipvs, a, inMemory, out, err);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    } catch (IpvsException e) {
      err.println("lbkit ipvsadm: " + e.getMessage());
      return refusalStatus(a.command);
    }
  }

  /**
   * The exit status of a command the kernel refused, as ipvsadm 1.31's (seen in the kernel lab): 255 for a change
   * (its libipvs call returns -1, which becomes the exit status), 1 for a listing ({@code -L -t} of a missing service
   * fails as ipvsadm's listing code does) and for {@code -R}, whose refused lines are reported by the restore itself.
   */
  static int refusalStatus(String command) {
    return command.equals("-L") || command.equals("-S") || command.equals("-R") ? 1 : 255;
  }

  private int execute(IpvsClient ipvs, IpvsadmArgs a, boolean inMemory, PrintStream out, PrintStream err)
      throws IpvsException, UsageException, IOException {
    switch (a.command) {
      case "-A":
        ipvs.addService(a.service());
        return 0;
      case "-E":
        ipvs.editService(a.service());
        return 0;
      case "-D":
        ipvs.deleteService(a.key());
        return 0;
      case "-C":
        ipvs.flush();
        return 0;
      case "-a":
        ipvs.addDestination(a.key(), a.server());
        return 0;
      case "-e":
        ipvs.editDestination(a.key(), a.server());
        return 0;
      case "-d":
        ipvs.deleteDestination(a.key(), a.realEndpoint());
        return 0;
      case "-Z":
        if (a.service != null) {
          ipvs.zero(a.service);
        } else {
          ipvs.zero();
        }
        return 0;
      case "--set":
        ipvs.setTimeouts(a.timeouts());
        return 0;
      case "--start-daemon":
        ipvs.startSyncDaemon(a.syncDaemon());
        return 0;
      case "--stop-daemon":
        ipvs.stopSyncDaemon(a.role());
        return 0;
      case "-S":
        IpvsadmListing.save(ipvs, out);
        return 0;
      case "-L":
        return IpvsadmListing.list(ipvs, a, out);
      case "-R":
        // the session runs an --in-memory line through here (it refuses -R, so stdin is read once)
        return IpvsadmRestore.run(stdin.get(), ipvs, inMemory, line -> execute(ipvs, line, true, out, err), err);
      default:
        throw new UsageException("unknown command " + a.command);
    }
  }

  private static void usage(PrintStream out) {
    out.println("usage: lbkit ipvsadm [--in-memory] COMMAND [OPTIONS]");
    out.println("  -A|-E -t|-u|--sctp-service ADDR:PORT | -f MARK [-6] [-s SCHED] [-b FLAGS] [-p [TIMEOUT]] [-M MASK]");
    out.println("        [--pe ENGINE] [-o]                             add / edit a virtual service");
    out.println("  -D SERVICE                                            delete a virtual service");
    out.println("  -a|-e SERVICE -r ADDR[:PORT] [-g|-i|-m] [-w W] [-x UPPER] [-y LOWER]");
    out.println("        [--tun-type ipip|gue|gre] [--tun-port P] [--tun-nocsum|--tun-csum|--tun-remcsum]");
    out.println("  -d SERVICE -r ADDR[:PORT]                             delete a real server");
    out.println("  -C                                                    clear the table");
    out.println("  -L|-l [-n] [SERVICE] [--exact] [--stats|--rate|--thresholds|--persistent-conn] [--timeout|--daemon]");
    out.println("  -L|-l [-n] -c [--persistent-conn]                     the connection table (/proc/net/ip_vs_conn)");
    out.println("  -S [-n]                                               save rules to stdout");
    out.println("  -R                                                    restore rules from stdin (batched)");
    out.println("  -Z [SERVICE]                                          zero counters");
    out.println("  --set TCP TCPFIN UDP                                  set connection timeouts (0 = unchanged)");
    out.println("  --start-daemon master|backup --mcast-interface IF [--syncid N] [--sync-maxlen N]");
    out.println("        [--mcast-group ADDR] [--mcast-port N] [--mcast-ttl N]");
    out.println("  --stop-daemon master|backup");
    out.println("Output is always numeric. --in-memory: an in-memory table for this process only; then -R runs any");
    out.println("of these commands per line (including -L and -S), e.g. printf -- '-A -t 10.0.0.1:80\\n-Ln\\n' |"
        + " lbkit ipvsadm --in-memory -R");
  }
}
