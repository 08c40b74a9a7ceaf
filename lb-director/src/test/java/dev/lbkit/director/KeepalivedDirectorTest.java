package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.healthcheck.CheckResponder;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

final class KeepalivedDirectorTest {
  static KeepalivedConfig parse(String text) throws Exception {
    return KeepalivedConfigParser.parse("k.conf", text, Path.of(".")).orThrow();
  }

  static RealServer nat(String endpoint, int weight) {
    return RealServer.builder(Endpoint.parse(endpoint)).weight(weight).forwarding(ForwardingMethod.MASQUERADE).build();
  }

  @Test
  void withoutVrrp_theTableIsInstalled_andReloadAppliesOnlyTheDifference() throws Exception {
    KeepalivedConfig first = parse("""
        virtual_server 192.0.2.10 80 {
          protocol TCP
          lb_algo rr
          real_server 10.0.0.1 80 {
            weight 1
          }
          real_server 10.0.0.2 80 {
            weight 1
          }
        }
        virtual_server 192.0.2.10 443 {
          protocol TCP
          real_server 10.0.0.1 443 {
          }
        }
        """);
    KeepalivedConfig second = parse("""
        virtual_server 192.0.2.10 80 {
          protocol TCP
          lb_algo rr
          real_server 10.0.0.1 80 {
            weight 5
          }
          real_server 10.0.0.2 80 {
            weight 1
          }
          real_server 10.0.0.3 80 {
            weight 1
          }
        }
        """);
    RecordingTableWriter table = new RecordingTableWriter();
    ServiceKey web = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
    ServiceKey tls = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:443"));
    try (KeepalivedDirector node = KeepalivedDirector.builder(first, table).build()) {
      node.start();
      assertTrue(node.director().active());
      assertEquals(5, table.drain().size());
      node.reload(second);
      assertEquals(List.of(new IpvsChange.DeleteService(tls),
          new IpvsChange.EditDestination(web, nat("10.0.0.1:80", 5)),
          new IpvsChange.AddDestination(web, nat("10.0.0.3:80", 1))), table.drain());
    }
    assertEquals(List.of(new IpvsChange.DeleteService(web)), table.drain());
  }

  @Test
  void checkers_startOneSecondAfterStart_andAfterAReloadWhichKeepsTheirState() throws Exception {
    String rs1 = """
          real_server 10.0.0.1 80 {
            TCP_CHECK {
              delay_loop 12
              warmup 0
              retry 0
            }
          }
        """;
    String rs2 = """
          real_server 10.0.0.2 80 {
            TCP_CHECK {
              delay_loop 12
              warmup 0
              retry 0
            }
          }
        """;
    String vs = "virtual_server 192.0.2.10 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n%s}\n";
    KeepalivedConfig first = parse(vs.formatted(rs1));
    KeepalivedConfig second = parse(vs.formatted(rs1 + rs2));
    ManualClock clock = new ManualClock();
    Map<String, List<Double>> asked = new TreeMap<>();
    Set<String> failing = new HashSet<>();
    CheckResponder responder = c -> {
      String who = c.describe();
      asked.computeIfAbsent(who, k -> new ArrayList<>()).add(clock.elapsed().toMillis() / 1000.0);
      return failing.contains(who) ? new CheckResult.Down(DownReason.REFUSED, "test: refused")
          : CheckResult.Up.of("test: fine");
    };
    RecordingTableWriter table = new RecordingTableWriter();
    ServiceKey web = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
    try (KeepalivedDirector node = KeepalivedDirector.builder(first, table)
        .manualClock(clock, responder, new SplittableRandom(1)).build()) {
      node.start();
      String check1 = "TCP connect to 10.0.0.1:80";
      failing.add(check1);
      clock.advance(Duration.ofMillis(999));
      assertEquals(Map.of(), asked, "nothing before keepalived's one-second start delay");
      clock.advance(Duration.ofSeconds(4)); // 4.999: checked at 1, refused: out of the table
      assertEquals(Map.of(check1, List.of(1.0)), asked);
      assertTrue(table.table.get(web).realServers().isEmpty(), table.table.toString());
      failing.clear();
      node.reload(second); // at 4.999: the kept checker starts afresh, still down; the new one starts too
      assertTrue(table.table.get(web).realServers().stream()
          .noneMatch(r -> r.endpoint().equals(Endpoint.parse("10.0.0.1:80"))), "still down after the reload");
      clock.advance(Duration.ofSeconds(14));
      assertEquals(Map.of(check1, List.of(1.0, 5.999, 17.999), "TCP connect to 10.0.0.2:80", List.of(5.999, 17.999)), asked,
          "both checked one second after the reload, then every 12 s; 10.0.0.1 not at 13 by its old schedule");
      assertEquals(2, table.table.get(web).realServers().size(), "10.0.0.1 back after its check at 5.999");
    }
  }

  @Test
  void omega_onClose_runsNotifyDownOfEachLiveServerInTheTable_thenQuorumDown_andWithoutOmegaNothing(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path log = dir.resolve("hooks.log");
    Path hook = dir.resolve("hook.sh");
    java.nio.file.Files.writeString(hook, "#!/bin/sh\necho \"$@\" >> '" + log + "'\n");
    assertTrue(hook.toFile().setExecutable(true));
    String check = "TCP_CHECK {\n delay_loop 2\n warmup 0\n retry 0\n }\n";
    String h = hook.toString();
    KeepalivedConfig config = parse("""
        virtual_server 192.0.2.10 80 {
          protocol TCP
          omega
          quorum_up "%1$s omega-quorum-up"
          quorum_down "%1$s omega-quorum-down"
          real_server 10.0.0.1 80 {
            notify_down "%1$s omega-1-down"
            %2$s
          }
          real_server 10.0.0.2 80 {
            notify_down "%1$s omega-2-down"
            %2$s
          }
          real_server 10.0.0.3 80 {
            inhibit_on_failure
            notify_down "%1$s omega-3-down"
            %2$s
          }
          real_server 10.0.0.4 80 {
            notify_down "%1$s omega-4-down"
            %2$s
          }
        }
        virtual_server 192.0.2.10 81 {
          protocol TCP
          quorum_down "%1$s plain-quorum-down"
          real_server 10.0.0.1 81 {
            notify_down "%1$s plain-1-down"
            %2$s
          }
        }
        virtual_server 192.0.2.10 82 {
          protocol TCP
          omega
          quorum 2
          sorry_server 10.0.0.9 82
          quorum_down "%1$s sorry-quorum-down"
          real_server 10.0.0.1 82 {
            notify_down "%1$s sorry-1-down"
            %2$s
          }
          real_server 10.0.0.2 82 {
            %2$s
          }
        }
        """.formatted(h, check));
    ManualClock clock = new ManualClock();
    Set<String> failing = Set.of("TCP connect to 10.0.0.2:80", "TCP connect to 10.0.0.3:80",
        "TCP connect to 10.0.0.2:82");
    CheckResponder responder = c -> failing.contains(c.describe())
        ? new CheckResult.Down(DownReason.REFUSED, "test: refused") : CheckResult.Up.of("test: fine");
    RecordingTableWriter table = new RecordingTableWriter();
    try (KeepalivedDirector node = KeepalivedDirector.builder(config, table)
        .manualClock(clock, responder, new SplittableRandom(1)).build()) {
      node.start();
      clock.advance(Duration.ofSeconds(3)); // checked at 1: 10.0.0.2 removed, 10.0.0.3 kept at weight 0
      assertEquals(List.of(RealServer.builder(Endpoint.parse("10.0.0.9:82")).weight(1)
          .forwarding(ForwardingMethod.MASQUERADE).build()),
          table.table.get(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:82"))).realServers(),
          "the sorry server alone once the quorum of 2 is lost");
    }
    List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(log));
    // while running: quorum_up of the omega service at the start (its quorum held), the two failures' own
    // notify_down, and the sorry service's quorum_down when 10.0.0.2:82 failed (quorum 2 lost); on close, all started
    // at once as keepalived starts them (so in no set order, and beside any hook of the above still queued): the
    // omega service's live servers in the table (1 and 4; not 2, removed, nor 3, inhibited), then its quorum_down,
    // whatever its quorum; the service with the sorry server in has none of its servers in the table: its quorum_down
    // only; the service without omega: nothing. close() has reaped them all: every line is there
    List<String> whileRunning = List.of("omega-2-down", "omega-3-down", "omega-quorum-up", "sorry-quorum-down");
    List<String> onClose = List.of("omega-1-down", "omega-4-down", "omega-quorum-down", "sorry-quorum-down");
    List<String> expected = new ArrayList<>(whileRunning);
    expected.addAll(onClose);
    java.util.Collections.sort(expected);
    java.util.Collections.sort(lines);
    assertEquals(expected, lines);
  }
}
