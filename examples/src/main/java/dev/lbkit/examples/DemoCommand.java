package dev.lbkit.examples;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.RealServer;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.director.BackupPolicy;
import dev.lbkit.director.DirectorEvent;
import dev.lbkit.director.DirectorStatus;
import dev.lbkit.director.IpvsTableWriter;
import dev.lbkit.director.KeepalivedDirector;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.InMemoryIpvs;
import dev.lbkit.ipvs.IpvsException;
import dev.lbkit.ipvs.IpvsadmFormat;
import dev.lbkit.vrrp.InMemoryVrrpNetwork;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * {@code lbkit demo}: the whole system in one process, no root and no IPVS needed. Three real HTTP servers on
 * loopback; two directors built from one keepalived.conf, each with an in-memory IPVS table, real health checks,
 * and VRRP on an in-memory segment. It prints the table, stops two backends, kills the master and shows what
 * changes, then ends by itself.
 */
final class DemoCommand implements Command {
  private static final String VIP = "192.0.2.100";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "run two directors with real health checks and in-memory VRRP and IPVS, then fail things";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    if (args.contains("--help")) {
      out.println("usage: lbkit demo");
      out.println();
      out.println("Starts three HTTP servers on 127.0.0.1 and two directors (lb1, lb2) from one keepalived.conf:");
      out.println("VRRP on an in-memory segment, IPVS in memory, health checks for real. Prints the table, stops");
      out.println("two backends, kills the master and shows the changes. Needs no root; ends by itself.");
      return 0;
    }
    if (!args.isEmpty()) {
      throw new UsageException("takes no arguments but got " + args);
    }
    // the demo narrates; the libraries' INFO logs would repeat it on stderr
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    return new Demo(out).run();
  }

  /** The keepalived.conf of one demo director. */
  static String config(int priority, int port1, int port2, int port3) {
    return """
        global_defs {
          router_id lbkit-demo
        }
        vrrp_instance VI_1 {
          state BACKUP
          interface eth0
          virtual_router_id 51
          priority %d
          version 3
          advert_int 0.1
          virtual_ipaddress {
            %s/24
          }
        }
        virtual_server %s 80 {
          delay_loop 0.5
          lb_algo wlc
          lb_kind NAT
          protocol TCP
          real_server 127.0.0.1 %d {
            weight 3
            HTTP_GET {
              url {
                path /health
                status_code 200
              }
              connect_timeout 1
              retry 0
            }
          }
          real_server 127.0.0.1 %d {
            weight 2
            TCP_CHECK {
              connect_timeout 1
              retry 0
            }
          }
          real_server 127.0.0.1 %d {
            weight 1
            inhibit_on_failure
            HTTP_GET {
              url {
                path /health
              }
              connect_timeout 1
              retry 0
            }
          }
        }
        """.formatted(priority, VIP, VIP, port1, port2, port3);
  }

  private static final class Demo {
    private final PrintStream out;
    private final long start = System.nanoTime();

    Demo(PrintStream out) {
      this.out = out;
    }

    private void say(String line) {
      synchronized (out) {
        out.println(line);
      }
    }

    private void log(String host, String what) {
      say(String.format(Locale.ROOT, "[%5.2fs] %s  %s", (System.nanoTime() - start) / 1e9, host, what));
    }

    private void onEvent(String host, DirectorEvent e) {
      if (e instanceof DirectorEvent.ActiveChanged a) {
        log(host, (a.active() ? "director ACTIVE" : "director standing by") + ": " + a.reason());
      } else if (e instanceof DirectorEvent.MemberChanged m) {
        log(host, m.member() + (m.alive() ? " up" : " down") + " (" + m.reason() + ")");
      } else if (e instanceof DirectorEvent.QuorumChanged q) {
        log(host, q.service() + " quorum " + (q.held() ? "regained" : "lost"));
      } else if (e instanceof DirectorEvent.IpvsChanged t) {
        for (IpvsChange c : t.changes()) {
          log(host, IpvsadmCommands.of(c));
        }
      } else if (e instanceof DirectorEvent.ApplyFailed f) {
        log(host, "FAILED " + IpvsadmCommands.of(f.change()) + ": " + f.error());
      }
    }

    private boolean await(String what, BooleanSupplier condition) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          say("lbkit demo: gave up waiting for " + what + " after " + WAIT.toSeconds() + " s");
          return false;
        }
        Thread.sleep(20);
      }
      return true;
    }

    private void printTable(String host, InMemoryIpvs ipvs) throws IpvsException {
      say("");
      say("IPVS table on " + host + " (ipvsadm -Ln):");
      say(IpvsadmFormat.listNumeric(ipvs.table()).stripTrailing());
      say("");
    }

    int run() throws Exception {
      List<AutoCloseable> closing = new ArrayList<>();
      try (DemoBackends backends = new DemoBackends(3); RealTimeVrrp vrrp = new RealTimeVrrp(Duration.ofMillis(10))) {
        int p1 = backends.port(0);
        int p2 = backends.port(1);
        int p3 = backends.port(2);
        say("lbkit demo: directors lb1 (priority 150) and lb2 (priority 100) share VIP " + VIP + " over VRRP;");
        say("backends 127.0.0.1:" + p1 + " (HTTP_GET, weight 3), 127.0.0.1:" + p2 + " (TCP_CHECK, weight 2), 127.0.0.1:"
            + p3 + " (HTTP_GET, weight 1, inhibit_on_failure)");
        say("VRRP and IPVS run in memory, health checks for real; tables are installed on the master only.");
        say("");

        InMemoryIpvs ipvs1 = new InMemoryIpvs();
        InMemoryIpvs ipvs2 = new InMemoryIpvs();
        KeepalivedDirector lb1 = node("lb1", config(150, p1, p2, p3), ipvs1);
        closing.add(lb1);
        KeepalivedDirector lb2 = node("lb2", config(100, p1, p2, p3), ipvs2);
        closing.add(lb2);
        vrrp.call(net -> {
          net.addHost("lb1", "10.0.0.11", "fe80::11");
          net.addHost("lb2", "10.0.0.12", "fe80::12");
          net.start("lb1", lb1.vrrp(ifname -> InMemoryVrrpNetwork.INTERFACE));
          net.start("lb2", lb2.vrrp(ifname -> InMemoryVrrpNetwork.INTERFACE));
          return null;
        });
        lb1.start();
        lb2.start();

        if (!await("lb1 to become master", () -> lb1.director().active())) {
          return 1;
        }
        Endpoint vip = Endpoint.parse(VIP);
        say("== lb1 is master; holders of " + VIP + ": " + vrrp.call(net -> net.holders(vip.address())));
        printTable("lb1", ipvs1);

        say("== stopping backend 2 (TCP_CHECK) and backend 3 (inhibit_on_failure)");
        backends.stop(1);
        backends.stop(2);
        Endpoint second = Endpoint.parse("127.0.0.1:" + p2);
        Endpoint third = Endpoint.parse("127.0.0.1:" + p3);
        if (!await("the checks to notice", () -> {
          List<RealServer> servers = lb1.director().table().get(0).realServers();
          // lb2 checks on its own schedule; its table after the takeover shows what its checkers saw
          boolean lb2Noticed = lb2.director().status().pools().get(0).members().stream()
              .filter(m -> m.endpoint().equals(second) || m.endpoint().equals(third))
              .noneMatch(DirectorStatus.Member::alive);
          return lb2Noticed && servers.stream().noneMatch(rs -> rs.endpoint().equals(second))
              && servers.stream().anyMatch(rs -> rs.endpoint().equals(third) && rs.weight() == 0);
        })) {
          return 1;
        }
        printTable("lb1", ipvs1);

        say("== killing lb1 (a crash: no goodbye advertisement, its addresses vanish)");
        vrrp.call(net -> {
          net.crash("lb1");
          return null;
        });
        if (!await("lb2 to take over", () -> lb2.director().active())) {
          return 1;
        }
        say("== lb2 is master; holders of " + VIP + ": " + vrrp.call(net -> net.holders(vip.address())));
        printTable("lb2", ipvs2);
        say("== stopping both directors (each removes its services, as keepalived does on shutdown)");
        closeAll(closing);
        say(String.format(Locale.ROOT, "demo finished in %.1f s", (System.nanoTime() - start) / 1e9));
        return 0;
      } finally {
        closeAll(closing);
      }
    }

    private static void closeAll(List<AutoCloseable> closing) throws Exception {
      for (AutoCloseable c : closing) {
        c.close();
      }
      closing.clear();
    }

    private KeepalivedDirector node(String host, String text, InMemoryIpvs ipvs) throws Exception {
      KeepalivedConfig config = KeepalivedConfigParser.parse(host + ".conf", text, Path.of(".")).orThrow();
      return KeepalivedDirector.builder(config, new IpvsTableWriter(ipvs))
          .backupPolicy(BackupPolicy.CLEAR_TABLE)
          .listener(e -> onEvent(host, e))
          .build();
    }
  }
}
