package dev.lbkit.vrrp.internal.linux;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.VirtualAddress;
import dev.lbkit.vrrp.spi.TrafficFilter;
import dev.lbkit.vrrp.spi.TrafficFilterException;
import dev.lbkit.vrrp.spi.TrafficFilterException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 5798 accept mode on Linux with nftables: runs the {@code nft} program (argv, never a shell) in the calling
 * process's network namespace. Thread-safe.
 */
public final class NftTrafficFilter implements TrafficFilter, AutoCloseable {
  /*
   * The rules follow keepalived's no_accept with nftables (vrrp_nftables.c), in our own table. On first use one nft
   * transaction deletes any table of that name left by a crashed run and creates it afresh:
   *
   *   table inet T {
   *     set vips4 { type ipv4_addr; }   set vips6 { type ipv6_addr; }
   *     chain in  { type filter hook input  priority -1; policy accept;
   *                 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
   *                 ip daddr @vips4 drop;  ip6 daddr @vips6 drop }
   *     chain out { type filter hook output priority -1; policy accept;
   *                 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
   *                 ip saddr @vips4 drop;  ip6 saddr @vips6 drop }
   *   }
   *
   * Blocking adds set elements, unblocking deletes them, close() deletes the table. ARP is not IP, so the inet table
   * never sees it: the Master still answers ARP for a blocked address; neighbour discovery is accepted explicitly.
   * Priority -1 runs before the default filter chains and before IPVS, so a non-accepting Master does not balance
   * traffic to the address either. The table is fresh, so the set of blocked addresses is known here and unblocking
   * deletes only elements that exist (nft refuses to delete a missing element). One table per network namespace and
   * name: two routers in one namespace need two names.
   */
  private static final Logger log = LoggerFactory.getLogger(NftTrafficFilter.class);
  /** The table name keepalived's counterpart would be "keepalived"; ours is apart from it. */
  public static final String DEFAULT_TABLE = "lbkit_vrrp";
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,30}");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final String program;
  private final String table;
  private final Set<InetAddress> blocked = new LinkedHashSet<>();
  private boolean tableReady;

  /** A filter using {@code nft} from the PATH and table {@code table}. */
  public NftTrafficFilter(String table) {
    this("nft", table);
  }

  /**
   * @param program the nft program to run (a path, or a name looked up on the PATH)
   * @throws IllegalArgumentException for a table name nft would not take
   */
  public NftTrafficFilter(String program, String table) {
    this.program = requireNonNull(program, "program");
    this.table = requireNonNull(table, "table");
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("nftables table name must be a letter then up to 30 letters, digits or '_' "
          + "but was '" + table + "'");
    }
  }

  public String table() {
    return table;
  }

  @Override
  public synchronized void block(String interfaceName, List<VirtualAddress> addresses)
      throws TrafficFilterException {
    String op = "block traffic to " + describe(addresses) + " on " + interfaceName;
    ensureTable(op);
    List<InetAddress> fresh = new ArrayList<>();
    for (VirtualAddress a : addresses) {
      if (!blocked.contains(a.address())) {
        fresh.add(a.address());
      }
    }
    for (AddressFamily family : AddressFamily.values()) {
      List<String> elements = elements(fresh, family);
      if (!elements.isEmpty()) {
        run(op, null, "add", "element", "inet", table, set(family), "{ " + String.join(", ", elements) + " }");
      }
    }
    blocked.addAll(fresh);
  }

  @Override
  public synchronized void unblock(String interfaceName, List<VirtualAddress> addresses)
      throws TrafficFilterException {
    String op = "unblock traffic to " + describe(addresses) + " on " + interfaceName;
    if (!tableReady) {
      // a fresh table blocks nothing, and creating it clears what a crashed run may have left behind
      ensureTable(op);
      return;
    }
    List<InetAddress> present = new ArrayList<>();
    for (VirtualAddress a : addresses) {
      if (blocked.contains(a.address())) {
        present.add(a.address());
      }
    }
    for (AddressFamily family : AddressFamily.values()) {
      List<String> elements = elements(present, family);
      if (!elements.isEmpty()) {
        run(op, null, "delete", "element", "inet", table, set(family), "{ " + String.join(", ", elements) + " }");
      }
    }
    present.forEach(blocked::remove);
  }

  /** The addresses blocked now. */
  public synchronized Set<InetAddress> blocked() {
    return Set.copyOf(blocked);
  }

  /**
   * Deletes the table, if this filter created it.
   *
   * @throws TrafficFilterException if nft refuses
   */
  @Override
  public synchronized void close() throws TrafficFilterException {
    if (tableReady) {
      tableReady = false;
      blocked.clear();
      run("delete nftables table inet " + table, null, "delete", "table", "inet", table);
    }
  }

  private void ensureTable(String op) throws TrafficFilterException {
    if (tableReady) {
      return;
    }
    String nd = "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept";
    String script = String.join("\n",
        // "add" then "delete" in one transaction removes a leftover table and does not fail when there is none
        "add table inet " + table,
        "delete table inet " + table,
        "table inet " + table + " {",
        "  set vips4 { type ipv4_addr; }",
        "  set vips6 { type ipv6_addr; }",
        "  chain in { type filter hook input priority -1; policy accept;",
        "    " + nd,
        "    ip daddr @vips4 drop",
        "    ip6 daddr @vips6 drop",
        "  }",
        "  chain out { type filter hook output priority -1; policy accept;",
        "    " + nd,
        "    ip saddr @vips4 drop",
        "    ip6 saddr @vips6 drop",
        "  }",
        "}", "");
    run(op + " (creating nftables table inet " + table + ")", script, "-f", "-");
    tableReady = true;
    blocked.clear();
    log.info("created nftables table inet {} for VRRP accept mode (non-accepting Masters drop traffic to their "
        + "virtual addresses)", table);
  }

  private static String set(AddressFamily family) {
    return family == AddressFamily.IPV4 ? "vips4" : "vips6";
  }

  private static List<String> elements(List<InetAddress> addresses, AddressFamily family) {
    List<String> out = new ArrayList<>();
    for (InetAddress a : addresses) {
      if (AddressFamily.of(a) == family) {
        out.add(a.getHostAddress());
      }
    }
    return out;
  }

  private static String describe(List<VirtualAddress> addresses) {
    return addresses.size() == 1 ? addresses.get(0).address().getHostAddress()
        : addresses.stream().map(a -> a.address().getHostAddress()).toList().toString();
  }

  /** Runs nft with these arguments, {@code stdin} (or nothing) as its input; returns normally on exit status 0. */
  private void run(String op, String stdin, String... args) throws TrafficFilterException {
    List<String> cmd = new ArrayList<>(args.length + 1);
    cmd.add(program);
    cmd.addAll(List.of(args));
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      if (stdin == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      }
      p = pb.start();
    } catch (IOException e) {
      throw new TrafficFilterException(Kind.UNAVAILABLE, op, "cannot run '" + program + "' (" + e.getMessage()
          + "); accept mode off needs nftables: install the Debian package nftables", e);
    }
    String output;
    try {
      IOException writeFailed = null;
      if (stdin != null) {
        try (OutputStream in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          writeFailed = e; // a program that exits early closes the pipe: its exit status says more
        }
      }
      // nft writes little, so reading to the end before waiting cannot block it on a full pipe
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new TrafficFilterException(Kind.FAILED, op, "'" + program + "' did not finish within "
            + TIMEOUT.toSeconds() + " s");
      }
      if (writeFailed != null && p.exitValue() == 0) {
        throw writeFailed;
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw new TrafficFilterException(Kind.FAILED, op, "talking to '" + program + "' failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new TrafficFilterException(Kind.FAILED, op, "interrupted while '" + program + "' ran", e);
    }
    if (p.exitValue() != 0) {
      throw classify(op, p.exitValue(), output);
    }
  }

  static TrafficFilterException classify(String op, int status, String output) {
    String first = output.lines().filter(l -> !l.isBlank()).findFirst().orElse("no output");
    String lower = output.toLowerCase(Locale.ROOT);
    if (lower.contains("operation not permitted") || lower.contains("permission denied")) {
      return new TrafficFilterException(Kind.PERMISSION, op, "nft: operation not permitted; changing nftables "
          + "needs CAP_NET_ADMIN (run as root or grant the capability)");
    }
    if (lower.contains("not supported") || lower.contains("protocol not available")) {
      return new TrafficFilterException(Kind.UNAVAILABLE, op, "nft: the kernel has no nf_tables support (" + first
          + ")");
    }
    return new TrafficFilterException(Kind.FAILED, op, "nft exited " + status + ": "
        + output.lines().filter(l -> !l.isBlank()).limit(3).reduce((a, b) -> a + " | " + b).orElse("no output"));
  }
}
