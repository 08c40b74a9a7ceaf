package dev.lbkit.examples;

import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.config.ConfigProblem;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.config.ParseResult;
import dev.lbkit.director.DirectorEvent;
import dev.lbkit.director.IpvsTableWriter;
import dev.lbkit.director.KeepalivedDirector;
import dev.lbkit.director.ScriptScreen;
import dev.lbkit.director.ScriptUsers;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.InMemoryIpvs;
import dev.lbkit.ipvs.Ipvs;
import dev.lbkit.ipvs.IpvsClient;
import dev.lbkit.ipvs.IpvsException;
import dev.lbkit.ipvs.IpvsadmFormat;
import dev.lbkit.vrrp.InMemoryVrrpNetwork;
import dev.lbkit.vrrp.LinuxVrrp;
import dev.lbkit.vrrp.VrrpRouter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * {@code lbkit run}: runs the director from a keepalived.conf, printing VRRP state, real server health and the
 * table whenever it changes; {@code --config-test} only checks the file, as {@code keepalived -t} does. SIGHUP
 * reloads the file as keepalived does: virtual servers, checkers, VRRP instances and sync groups change only where
 * they differ; a file with errors is refused and the running configuration stays.
 */
final class RunCommand implements Command {
  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "run the director from a keepalived.conf (--in-memory anywhere), or check one (--config-test)";
  }

  private static void usage(PrintStream out) {
    out.println("usage: lbkit run FILE [--in-memory] [--for SECONDS]");
    out.println("       lbkit run --config-test FILE");
    out.println();
    out.println("  FILE                a keepalived.conf: its virtual servers are installed and health-checked,");
    out.println("                      its VRRP instances decide when this director is active");
    out.println("  --in-memory         IPVS and VRRP in memory (no root needed; health checks are real);");
    out.println("                      every interface is mapped to the in-memory segment's eth0");
    out.println("  --for SECONDS       stop after this long (default: run until interrupted)");
    out.println("  --config-test FILE  check FILE as keepalived -t does: print its virtual servers as ipvsadm -Ln");
    out.println("                      would show them once installed and exit 0, or print every error as");
    out.println("                      FILE:LINE:COLUMN: message and exit 1; warnings do not fail the check");
    out.println();
    out.println("  SIGHUP (kill -HUP PID) reloads FILE as keepalived does: only what changed changes; unchanged VRRP");
    out.println("  instances keep running, changed ones keep their state, removed ones resign, new ones start.");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    if (args.contains("--help")) {
      usage(out);
      return 0;
    }
    if (!args.isEmpty() && args.get(0).equals("--config-test")) {
      if (args.size() != 2) {
        throw new UsageException("expected --config-test FILE but got " + args + "; see 'lbkit run --help'");
      }
      return configTest(Path.of(args.get(1)), out, err);
    }
    Path file = null;
    boolean inMemory = false;
    Duration duration = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--in-memory")) {
        inMemory = true;
      } else if (a.equals("--for")) {
        if (i + 1 >= args.size()) {
          throw new UsageException("--for needs a number of seconds");
        }
        double seconds;
        try {
          seconds = Double.parseDouble(args.get(++i));
        } catch (NumberFormatException e) {
          throw new UsageException("--for needs a number of seconds but got '" + args.get(i) + "'", e);
        }
        // NaN ran for 0 s and a negative value stopped at once, both without a word
        if (!(seconds >= 0)) {
          throw new UsageException("--for must be zero or more seconds but was '" + args.get(i) + "'");
        }
        duration = Duration.ofMillis(Math.round(Math.min(seconds, Long.MAX_VALUE / 1000.0) * 1000));
      } else if (a.startsWith("-")) {
        throw new UsageException("unknown option " + a + "; see 'lbkit run --help'");
      } else if (file == null) {
        file = Path.of(a);
      } else {
        throw new UsageException("only one FILE, but got " + file + " and " + a);
      }
    }
    if (file == null) {
      throw new UsageException("needs a keepalived.conf FILE; see 'lbkit run --help'");
    }
    ParseResult result = KeepalivedConfigParser.parse(file);
    result.warnings().forEach(err::println);
    if (!result.ok()) {
      result.errors().forEach(err::println);
      return 1;
    }
    ScriptUsers users = ScriptUsers.resolve(result.config());
    users.warnings().forEach(err::println);
    if (!users.ok()) {
      users.errors().forEach(err::println);
      return 1;
    }
    return inMemory ? runInMemory(file, result.config(), duration, out, err)
        : runForReal(file, result.config(), duration, out, err);
  }

  static int configTest(Path file, PrintStream out, PrintStream err) {
    ParseResult result = KeepalivedConfigParser.parse(file);
    for (ConfigProblem warning : result.warnings()) {
      err.println(warning);
    }
    // as keepalived -t, the script users are looked up on this host once the file reads
    List<ConfigProblem> errors = result.errors();
    if (result.ok()) {
      ScriptUsers users = ScriptUsers.resolve(result.config());
      users.warnings().forEach(err::println);
      ScriptScreen.of(result.config(), users).warnings().forEach(err::println); // scripts keepalived would disable
      errors = users.errors();
    }
    if (!errors.isEmpty()) {
      for (ConfigProblem error : errors) {
        err.println(error);
      }
      err.println(file + ": " + errors.size() + (errors.size() == 1 ? " error" : " errors"));
      return 1;
    }
    out.print(IpvsadmFormat.listNumeric(result.config().initialTable()));
    return 0;
  }

  private static int runInMemory(Path file, KeepalivedConfig config, Duration duration, PrintStream out,
      PrintStream err) throws Exception {
    InMemoryIpvs ipvs = new InMemoryIpvs();
    Printer printer = new Printer(out, ipvs);
    out.println("lbkit run: in memory (IPVS and VRRP simulated, health checks real)");
    try (RealTimeVrrp vrrp = new RealTimeVrrp(Duration.ofMillis(10));
        KeepalivedDirector node = KeepalivedDirector.builder(config, new IpvsTableWriter(ipvs))
            .listener(printer::onEvent).build()) {
      if (!config.vrrpInstances().isEmpty()) {
        node.attach(vrrp.call(net -> {
          net.addHost("lbkit", "10.255.255.1", "fe80::1");
          return net.start("lbkit", b -> node.vrrp(ifname -> InMemoryVrrpNetwork.INTERFACE).apply(b)
              .listener(printer::onVrrp));
        }));
      }
      node.start();
      printer.printTable();
      reloadOnHangup(file, node, printer, err);
      waitFor(duration, node);
    }
    return 0;
  }

  private static int runForReal(Path file, KeepalivedConfig config, Duration duration, PrintStream out,
      PrintStream err) throws Exception {
    if (!Ipvs.isAvailable()) {
      err.println("lbkit run: kernel IPVS is not usable here ("
          + Ipvs.unavailabilityCause().map(Throwable::getMessage).orElse("unknown cause")
          + "); run as root on Linux with the ip_vs module, or use --in-memory");
      return 1;
    }
    if (!config.vrrpInstances().isEmpty() && !LinuxVrrp.isAvailable()) {
      err.println("lbkit run: VRRP needs raw sockets and rtnetlink ("
          + LinuxVrrp.unavailabilityCause().map(Throwable::getMessage).orElse("unknown cause") + "); or use --in-memory");
      return 1;
    }
    try (IpvsClient ipvs = Ipvs.open()) {
      Printer printer = new Printer(out, ipvs);
      try (KeepalivedDirector node = KeepalivedDirector.builder(config, new IpvsTableWriter(ipvs))
          .interfaceCheck(LinuxVrrp::interfaceUp, Duration.ofSeconds(1)).listener(printer::onEvent).build()) {
        VrrpRouter router = null;
        if (!config.vrrpInstances().isEmpty()) {
          router = node.vrrp(UnaryOperator.identity()).apply(LinuxVrrp.routerBuilder())
              .listener(printer::onVrrp).build();
          node.attach(router);
        }
        node.start();
        printer.printTable();
        reloadOnHangup(file, node, printer, err);
        if (router != null) {
          router.startInBackground();
        }
        try {
          waitFor(duration, router == null ? node : closeAll(router, node));
        } finally {
          if (router != null) {
            router.close();
          }
        }
      }
    }
    return 0;
  }

  /** Installs the SIGHUP handler, or says why there is none (the process then runs without reloads). */
  private static void reloadOnHangup(Path file, KeepalivedDirector node, Printer printer, PrintStream err) {
    Hangup.onHangup(() -> reload(file, node, printer, err)).ifPresentOrElse(
        why -> err.println("lbkit run: cannot reload on SIGHUP here (" + why + ")"),
        () -> printer.line("reload: kill -HUP " + ProcessHandle.current().pid() + " reloads " + file));
  }

  /**
   * Reads the file again and applies it; a file with errors, or one lbkit refuses, leaves the running configuration
   * as it is.
   */
  static void reload(Path file, KeepalivedDirector node, Printer printer, PrintStream err) {
    ParseResult result = KeepalivedConfigParser.parse(file);
    result.warnings().forEach(err::println);
    if (!result.ok()) {
      result.errors().forEach(err::println);
      err.println("lbkit run: reload refused (" + result.errors().size() + " errors); the running configuration "
          + "stays");
      return;
    }
    try {
      Optional<VrrpRouter.Reload> vrrp = node.reload(result.config()).get(30, TimeUnit.SECONDS);
      printer.line("reload: " + file + " applied" + vrrp.map(r -> "; VRRP kept " + r.kept() + ", changed "
          + r.changed() + ", added " + r.added() + ", removed " + r.removed()).orElse(""));
      printer.printTable();
    } catch (IllegalArgumentException e) {
      err.println("lbkit run: reload refused: " + e.getMessage() + "; the running configuration stays");
    } catch (ExecutionException e) {
      err.println("lbkit run: VRRP reload failed: " + e.getCause().getMessage()
          + "; the virtual servers are reloaded, VRRP keeps its previous configuration");
    } catch (TimeoutException e) {
      err.println("lbkit run: the VRRP engine did not run the reload within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes VRRP first (the VIPs go, with a priority-0 advertisement), then the director. */
  private static AutoCloseable closeAll(VrrpRouter router, KeepalivedDirector node) {
    return () -> {
      router.close();
      node.close();
    };
  }

  /**
   * Waits for the duration, or until the JVM is asked to stop (SIGTERM, Ctrl-C); in that case the caller's
   * try-with-resources still closes the director (which removes its services) before the JVM exits.
   */
  private static void waitFor(Duration duration, AutoCloseable node) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        node.close();
      } catch (Exception e) {
        System.err.println("lbkit run: closing the director failed: " + e);
      } finally {
        closed.countDown();
      }
    }, "lbkit-run-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (duration == null) {
      stop.await();
    } else {
      stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (stop.getCount() == 1) {
      Runtime.getRuntime().removeShutdownHook(hook);
    } else {
      closed.await(10, TimeUnit.SECONDS);
    }
  }

  /** Prints events and the table after each change, one line at a time. */
  private static final class Printer {
    private final PrintStream out;
    private final IpvsClient ipvs;

    Printer(PrintStream out, IpvsClient ipvs) {
      this.out = out;
      this.ipvs = ipvs;
    }

    void onVrrp(VrrpStateChanged e) {
      synchronized (out) {
        out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " VRRP " + e.instance() + " (vrid " + e.vrid()
            + "): " + e.from() + " -> " + e.to() + " (" + e.reason() + ")");
      }
    }

    void onEvent(DirectorEvent e) {
      synchronized (out) {
        String at = LocalTime.now().truncatedTo(ChronoUnit.MILLIS).toString();
        if (e instanceof DirectorEvent.ActiveChanged a) {
          out.println(at + " VRRP: director " + (a.active() ? "active" : "standing by") + " (" + a.reason() + ")");
        } else if (e instanceof DirectorEvent.MemberChanged m) {
          out.println(at + " health: " + m.service() + " -> " + m.member() + (m.alive() ? " up" : " down") + " ("
              + m.reason() + ")");
        } else if (e instanceof DirectorEvent.QuorumChanged q) {
          out.println(at + " quorum: " + q.service() + (q.held() ? " regained" : " lost") + " (live weight "
              + q.liveWeight() + ")");
        } else if (e instanceof DirectorEvent.IpvsChanged t) {
          for (IpvsChange c : t.changes()) {
            out.println(at + " " + IpvsadmCommands.of(c));
          }
          printTable();
        } else if (e instanceof DirectorEvent.ApplyFailed f) {
          out.println(at + " FAILED " + IpvsadmCommands.of(f.change()) + ": " + f.error());
        }
      }
    }

    void line(String text) {
      synchronized (out) {
        out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + text);
        out.flush();
      }
    }

    void printTable() {
      synchronized (out) {
        try {
          out.print(IpvsadmFormat.listNumeric(ipvs.table()));
        } catch (IpvsException e) {
          out.println("cannot read the IPVS table: " + e.getMessage());
        }
        out.flush();
      }
    }
  }
}
