package dev.lbkit.examples;

import dev.lbkit.ipvs.InMemoryIpvs;
import dev.lbkit.ipvs.IpvsClient;
import dev.lbkit.ipvs.IpvsConnection;
import dev.lbkit.ipvs.IpvsConnections;
import dev.lbkit.ipvs.IpvsDestination;
import dev.lbkit.ipvs.IpvsException;
import dev.lbkit.ipvs.IpvsService;
import dev.lbkit.ipvs.IpvsadmFormat;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What {@code lbkit ipvsadm -L} and {@code -S} print: the table, one service, the timeouts, the sync daemons or the
 * connections, in {@link IpvsadmFormat}'s ipvsadm-identical text.
 */
final class IpvsadmListing {
  private IpvsadmListing() {}

  /** {@code -S}: the table as ipvsadm rules. */
  static void save(IpvsClient ipvs, PrintStream out) throws IpvsException {
    write(out, IpvsadmFormat.save(IpvsadmFormat.snapshot(ipvs, IpvsClient.Stats.OMITTED)));
  }

  /** {@code -L}: what {@code a}'s options ask for; always status 0 (a missing service is an exception). */
  static int list(IpvsClient ipvs, IpvsadmArgs a, PrintStream out) throws IpvsException {
    if (a.timeout) {
      out.print(IpvsadmFormat.timeouts(ipvs.timeouts()));
      return 0;
    }
    if (a.daemon) {
      out.print(IpvsadmFormat.daemons(ipvs.syncDaemons()));
      return 0;
    }
    if (a.connections) {
      // the kernel shows connections only in /proc; an in-memory table has none
      List<IpvsConnection> table = ipvs instanceof InMemoryIpvs ? List.of() : IpvsConnections.read();
      out.print(IpvsadmFormat.connections(table, a.columns == IpvsadmFormat.Columns.PERSISTENT_CONN));
      return 0;
    }
    if (a.service != null) {
      Optional<IpvsService> s = ipvs.getService(a.service);
      if (s.isEmpty()) {
        throw new IpvsException("list service " + a.service, 3, "list service " + a.service
            + ": no such service (ESRCH)", null);
      }
      List<IpvsDestination> dests = ipvs.listDestinations(a.service, a.columns.stats());
      out.print(IpvsadmFormat.list(List.of(new IpvsadmFormat.Entry(s.get(), dests)), a.columns, a.exact));
      return 0;
    }
    write(out, IpvsadmFormat.versionLine(ipvs.info()) + "\n"
        + IpvsadmFormat.list(IpvsadmFormat.snapshot(ipvs, a.columns.stats()), a.columns, a.exact));
    return 0;
  }

  /** A whole listing as UTF-8 in one write, rather than through the print stream's character encoder. */
  private static void write(PrintStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
    out.flush();
  }
}
