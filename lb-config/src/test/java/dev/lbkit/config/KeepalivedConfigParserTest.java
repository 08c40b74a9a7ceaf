package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.config.HealthCheckConfig.StatusRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class KeepalivedConfigParserTest {
  @TempDir
  Path dir;

  private static ParseResult parse(String text) {
    return KeepalivedConfigParser.parse("k.conf", text, Path.of("."));
  }

  private static List<String> errors(ParseResult r) {
    return r.errors().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void everyError_isCollected_withFileLineAndColumn() {
    ParseResult r = parse("""
        global_defs {
          router_idd lb1
        }
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 300
          priority abc
          advert_intt 1
        }
        virtual_server 10.0.0.1 80 {
          lb_algo roundrobin
          real_server 10.0.1.1 80 {
            weight -1
          }
        }
        """);
    assertEquals(List.of(
        "k.conf:2:3: unknown keyword 'router_idd' in global_defs",
        "k.conf:4:1: vrrp_instance VI_1 has no virtual_router_id",
        "k.conf:4:1: vrrp_instance VI_1: virtual_ipaddress has no address; keepalived runs such a VRRPv2 instance"
            + " with a warning, but lbkit's VRRP requires at least one virtual address",
        "k.conf:6:21: virtual_router_id must be in [1, 255] but was 300",
        "k.conf:7:12: priority must be a whole number but was 'abc'",
        "k.conf:8:3: unknown keyword 'advert_intt' in vrrp_instance",
        "k.conf:11:11: lb_algo must be one of rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos"
            + " but was 'roundrobin'",
        "k.conf:13:12: weight must be in [0, 2147483647] but was -1"), errors(r));
    KeepalivedConfigException e = assertThrows(KeepalivedConfigException.class, r::orThrow);
    assertEquals(8, e.errors().size());
  }

  @Test
  void unclosedBlocks_areReportedAtTheEnd_namingWhereTheyOpened() {
    ParseResult r = parse("""
        virtual_server 10.0.0.1 80 {
          real_server 10.0.1.1 80 {
            TCP_CHECK {
              connect_timeout 3
            }
        """);
    assertEquals(List.of(
        "k.conf:5:6: missing '}': the real_server block opened at line 2 column 3 is not closed at the end of the"
            + " configuration",
        "k.conf:5:6: missing '}': the virtual_server block opened at line 1 column 1 is not closed at the end of the"
            + " configuration"), errors(r));
  }

  @Test
  void passwordLongerThan8_isTruncatedWithAWarning_notAnError() {
    ParseResult r = parse("""
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          authentication {
            auth_type PASS
            auth_pass secret12345
          }
          virtual_ipaddress {
            10.0.0.100
          }
        }
        """);
    assertTrue(r.ok());
    assertEquals(List.of("k.conf:6:15: warning: auth_pass is longer than 8 characters; truncated to its first 8,"
        + " as keepalived does"), r.warnings().stream().map(ConfigProblem::toString).toList());
    assertEquals("secret12", r.config().vrrpInstances().get(0).authentication().orElseThrow().password());
  }

  @Test
  void bracesOnOneLine_andQuotedWords_areReadAsKeepalivedReadsThem() {
    ParseResult r = parse("""
        vrrp_script chk { script "/usr/bin/check --x 'a b'" ; interval 2 }
        vrrp_instance VI_1 { interface eth0
          virtual_router_id 51 # comment { not a brace
          virtual_ipaddress { 192.0.2.1/24 dev eth0 label eth0:1 }
          track_script { chk weight 10 }
          notify_master "/bin/echo master"   ! another comment
        }
        """);
    // one statement per line, as in keepalived: ';' separates nothing, so "; interval 2" belongs to the script
    // statement, where keepalived 2.2.7 drops it (only the first, quoted, word is the command; checked against
    // keepalived's own vrrp_script runs: unquoted words after the program never reach it)
    assertEquals(List.of(), errors(r));
    assertEquals("/usr/bin/check --x 'a b'", r.config().vrrpScripts().get(0).script());
    // (the SECURITY VIOLATION warning, if any, depends on which of the programs this host has, as in keepalived)
    assertTrue(r.warnings().stream().map(ConfigProblem::toString).toList().contains("k.conf:1:53: warning: 'script':"
        + " keepalived 2.2.7 runs only '/usr/bin/check --x 'a b'' and drops '; interval 2' (words outside the quotes);"
        + " so does lbkit. To pass them, quote the whole command line: \"/usr/bin/check --x 'a b' ; interval 2\""),
        r.warnings().toString());
    assertEquals(Duration.ofSeconds(1), r.config().vrrpScripts().get(0).interval());
    VrrpInstanceConfig vi = r.config().vrrpInstances().get(0);
    assertEquals(24, vi.virtualIpAddresses().get(0).prefixLength());
    assertEquals("eth0:1", vi.virtualIpAddresses().get(0).label().orElseThrow());
    assertEquals(OptionalInt.of(10), vi.trackScripts().get(0).weight());
    assertEquals("/bin/echo master", vi.notifyScripts().master().orElseThrow());
  }

  @Test
  void fullVirtualServer_mapsToTheDomainModel() {
    ParseResult r = parse("""
        virtual_server 192.0.2.10 443 {
          delay_loop 2.5
          lb_algo sh
          sh-port
          lb_kind DR
          persistence_timeout 600
          persistence_granularity 255.255.255.0
          protocol TCP
          quorum 3
          hysteresis 1
          alpha
          inhibit_on_failure
          sorry_server 10.9.9.9 443
          real_server 10.0.0.2 443 {
            weight 3
            uthreshold 100
            lthreshold 50
            lvs_method NAT
            SSL_GET {
              url {
                path /health
                digest 0123456789ABCDEF0123456789abcdef
                status_code 200-299 301
              }
              connect_timeout 2
              retry 3
              delay_before_retry 0.5
            }
          }
          real_server 10.0.0.3 443 {
            inhibit_on_failure off
            MISC_CHECK {
              misc_path "/usr/local/bin/check 10.0.0.3"
              misc_timeout 4
              misc_dynamic
            }
          }
          real_server 10.0.0.4 {
            TCP_CHECK {
              connect_port 8443
              bindto 10.0.0.1
            }
            HTTP_GET {
              url { path / }
              virtualhost www.example.com
            }
          }
        }
        virtual_server fwmark 7 {
          persistence_timeout
          real_server 2001:db8::2 {
          }
        }
        """);
    assertEquals(List.of(), errors(r));
    VirtualServerConfig vs = r.config().virtualServers().get(0);
    assertEquals(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:443")), vs.service().key());
    assertEquals(java.util.Set.of(SchedulerFlag.SH_PORT), vs.service().schedulerFlags());
    assertEquals(Persistence.of(Duration.ofSeconds(600), 24), vs.service().persistence().orElseThrow());
    assertEquals(Duration.ofMillis(2500), vs.delayLoop());
    assertEquals(3, vs.quorum());
    assertEquals(1, vs.hysteresis());
    assertEquals(Endpoint.parse("10.9.9.9:443"), vs.sorryServer().orElseThrow().endpoint());
    assertEquals(ForwardingMethod.DIRECT_ROUTE, vs.sorryServer().orElseThrow().forwarding());

    RealServerConfig a = vs.realServers().get(0);
    assertEquals(RealServer.builder(Endpoint.parse("10.0.0.2:443")).weight(3).upperThreshold(100)
        .lowerThreshold(50).forwarding(ForwardingMethod.MASQUERADE).build(), a.realServer());
    assertTrue(a.inhibitOnFailure());
    assertTrue(a.alpha());
    HealthCheckConfig.Http ssl = (HealthCheckConfig.Http) a.checks().get(0);
    assertTrue(ssl.tls());
    assertEquals(Endpoint.parse("10.0.0.2:443"), ssl.target());
    assertEquals("0123456789abcdef0123456789abcdef", ssl.urls().get(0).digest().orElseThrow());
    assertEquals(List.of(new StatusRange(200, 299), new StatusRange(301, 301)), ssl.urls().get(0).statusCodes());
    assertTrue(ssl.urls().get(0).accepts(301));
    assertFalse(ssl.urls().get(0).accepts(302));
    assertEquals(3, ssl.retry());
    assertEquals(Duration.ofMillis(500), ssl.delayBeforeRetry());

    RealServerConfig b = vs.realServers().get(1);
    assertFalse(b.inhibitOnFailure());
    HealthCheckConfig.Misc misc = (HealthCheckConfig.Misc) b.checks().get(0);
    assertEquals("/usr/local/bin/check 10.0.0.3", misc.script());
    assertTrue(misc.dynamic());

    RealServerConfig c = vs.realServers().get(2);
    assertEquals(443, c.realServer().endpoint().port()); // no port: the service's
    assertEquals(Endpoint.parse("10.0.0.4:8443"), ((HealthCheckConfig.Tcp) c.checks().get(0)).target());
    assertEquals("www.example.com", ((HealthCheckConfig.Http) c.checks().get(1)).virtualhost().orElseThrow());

    VirtualServerConfig fwm = r.config().virtualServers().get(1);
    assertEquals(new ServiceKey.FirewallMark(7, AddressFamily.IPV6), fwm.service().key());
    assertEquals(Duration.ofSeconds(360), fwm.service().persistence().orElseThrow().timeout());
    assertEquals(0, fwm.realServers().get(0).realServer().endpoint().port());
  }

  @Test
  void sortryServerReplacesAllRealServers_whenTheQuorumIsNotMetAtStart() {
    // keepalived 2.2.7 (KeepalivedCheckerTimingLabIT, 10.10.10.6): a live weight of 2 under quorum 2 + hysteresis 1
    // starts without the quorum, and the sorry server serves
    ParseResult r = parse("""
        virtual_server 192.0.2.10 80 {
          quorum 2
          hysteresis 1
          sorry_server 10.9.9.9 80
          real_server 10.0.0.2 80 {
            weight 1
          }
          real_server 10.0.0.3 80 {
            weight 1
          }
          real_server 10.0.0.4 80 {
            weight 1
            alpha
            TCP_CHECK {
            }
          }
        }
        """);
    assertEquals(List.of(Endpoint.parse("10.9.9.9:80")),
        r.config().initialTable().get(0).realServers().stream().map(RealServer::endpoint).toList());
  }

  @Test
  void initialTable_keepsInhibitedServersAtWeightZero_besideTheSorryServer_asKeepalivedDoes() {
    // keepalived (ipwrapper.c, ipvswrapper.c): taking out a real server with inhibit_on_failure sets its weight to 0,
    // one starting down (alpha) is added at weight 0, and sorry_server_inhibit keeps an unneeded sorry server at 0.
    // Before, initialTable left all three out, unlike the director's table at start.
    ParseResult without = parse("""
        virtual_server 192.0.2.10 80 {
          sorry_server 10.9.9.9 80
          quorum 3
          hysteresis 1
          real_server 10.0.0.2 80 {
            inhibit_on_failure
            weight 2
          }
          real_server 10.0.0.3 80 {
          }
        }
        """); // a live weight of 3 < 3 + 1
    assertEquals(List.of("10.0.0.2:80 0", "10.9.9.9:80 1"), weights(without.config().initialTable().get(0)));
    ParseResult held = parse("""
        virtual_server 192.0.2.10 80 {
          sorry_server 10.9.9.9 80
          sorry_server_inhibit
          real_server 10.0.0.2 80 {
            weight 2
          }
          real_server 10.0.0.3 80 {
            weight 3
            inhibit_on_failure
            alpha
            TCP_CHECK {
            }
          }
        }
        """);
    assertEquals(List.of("10.0.0.2:80 2", "10.0.0.3:80 0", "10.9.9.9:80 0"),
        weights(held.config().initialTable().get(0)));
  }

  private static List<String> weights(LoadBalancedService table) {
    return table.realServers().stream().map(s -> s.endpoint() + " " + s.weight()).toList();
  }

  @Test
  void quorumAboveTheTotalWeight_isLoweredToIt_andHysteresisBelowTheQuorum_asKeepalivedDoes() {
    // keepalived 2.2.7 (KeepalivedCheckerTimingLabIT, 10.10.10.2): "quorum 3 ... exceeds total weight of real servers
    // 2, reducing quorum to 2", and it gains that quorum at the start
    ParseResult r = parse("""
        virtual_server 192.0.2.10 80 {
          quorum 5
          hysteresis 4
          sorry_server 10.9.9.9 80
          real_server 10.0.0.2 80 {
            weight 2
          }
        }
        """);
    VirtualServerConfig vs = r.config().virtualServers().get(0);
    assertEquals(2, vs.quorum());
    assertEquals(1, vs.hysteresis());
    assertTrue(r.warnings().stream().anyMatch(p -> p.toString().contains("quorum 5 of virtual_server")
        && p.toString().contains("lowered to 2")), r.warnings().toString());
    assertTrue(r.warnings().stream().anyMatch(p -> p.toString().contains("hysteresis 4 of virtual_server")
        && p.toString().contains("lowered to 1")), r.warnings().toString());
    // 2 < 2 + 1 at the start: the sorry server
    assertEquals(List.of(Endpoint.parse("10.9.9.9:80")),
        r.config().initialTable().get(0).realServers().stream().map(RealServer::endpoint).toList());
    ParseResult kept = parse("""
        virtual_server 192.0.2.10 80 {
          quorum 3
          sorry_server 10.9.9.9 80
          real_server 10.0.0.2 80 {
            weight 1
          }
          real_server 10.0.0.3 80 {
            weight 1
          }
        }
        """);
    assertEquals(2, kept.config().virtualServers().get(0).quorum());
    assertEquals(List.of(Endpoint.parse("10.0.0.2:80"), Endpoint.parse("10.0.0.3:80")),
        kept.config().initialTable().get(0).realServers().stream().map(RealServer::endpoint).toList());
  }

  @Test
  void crossReferences_areChecked() {
    ParseResult r = parse("""
        vrrp_sync_group G {
          group {
            VI_1
            VI_9
          }
        }
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          track_script {
            missing_script
          }
          virtual_ipaddress {
            10.0.0.100
          }
        }
        vrrp_instance VI_2 {
          interface eth0
          virtual_router_id 51
          virtual_ipaddress {
            10.0.0.101
          }
        }
        virtual_server 10.0.0.1 80 {
        }
        virtual_server 10.0.0.1 80 {
        }
        """);
    assertEquals(List.of(
        "k.conf:1:1: vrrp_sync_group G names vrrp_instance VI_9, which is not defined",
        "k.conf:7:1: vrrp_instance VI_1 tracks script missing_script, but no vrrp_script of that name is defined",
        "k.conf:17:1: vrrp_instance VI_2 uses virtual_router_id 51 on eth0, as vrrp_instance VI_1 at k.conf:7:1 does",
        "k.conf:26:1: virtual_server UDP 10.0.0.1:80 is already defined at k.conf:24:1"), errors(r));
  }

  @Test
  void missingProtocolAndLbKind_defaultToUdpAndNat_withKeepalivedsComplaint() {
    // keepalived 2.2.7 (keepalived -t): "no protocol set - defaulting to UDP" and "no forwarding method set,
    // setting default NAT", both config errors for -t that it then runs with; a fwmark service has no protocol.
    ParseResult r = parse("""
        virtual_server 10.0.0.1 80 {
          real_server 10.0.1.1 80 {
          }
        }
        virtual_server 10.0.0.2 80 {
          protocol TCP
          lb_kind DR
          real_server 10.0.1.1 80 {
          }
        }
        virtual_server fwmark 7 {
          lb_kind TUN
        }
        """);
    assertEquals(List.of(), errors(r));
    List<VirtualServerConfig> vs = r.config().virtualServers();
    assertEquals(ServiceKey.of(Protocol.UDP, Endpoint.parse("10.0.0.1:80")),
        vs.get(0).service().key());
    assertEquals(ForwardingMethod.MASQUERADE, vs.get(0).realServers().get(0).realServer().forwarding());
    assertEquals(ServiceKey.of(Protocol.TCP, Endpoint.parse("10.0.0.2:80")),
        vs.get(1).service().key());
    assertEquals(ForwardingMethod.DIRECT_ROUTE, vs.get(1).realServers().get(0).realServer().forwarding());
    assertEquals(List.of(
        "k.conf:1:1: warning: virtual_server 10.0.0.1:80: no protocol set - defaulting to UDP (as keepalived does;"
            + " write 'protocol TCP' for a TCP service)",
        "k.conf:1:1: warning: virtual_server UDP 10.0.0.1:80: no forwarding method set (lb_kind), defaulting to NAT"
            + " as keepalived does"),
        r.warnings().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void unsupportedAndIgnoredKeywords_areNeverDroppedSilently() {
    ParseResult r = parse("""
        global_defs {
          max_auto_priority
        }
        virtual_server_group G {
          10.0.0.1 80
        }
        virtual_server 10.0.0.1 80 {
          real_server 10.0.1.1 80 {
            PING_CHECK {
              retry 2
            }
          }
        }
        """);
    assertEquals(List.of(
        "k.conf:4:1: 'virtual_server_group' is not supported: not implemented by lbkit",
        "k.conf:9:5: 'PING_CHECK' is not supported: this checker is not implemented by lbkit"), errors(r));
    assertEquals(List.of("k.conf:2:3: warning: 'max_auto_priority' is accepted but not used by lbkit",
        "k.conf:7:1: warning: virtual_server 10.0.0.1:80: no protocol set - defaulting to UDP (as keepalived does;"
            + " write 'protocol TCP' for a TCP service)",
        "k.conf:7:1: warning: virtual_server UDP 10.0.0.1:80: no forwarding method set (lb_kind), defaulting to NAT"
            + " as keepalived does"),
        r.warnings().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void include_followsGlobsAndBraces_relativeToTheIncludingFile() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("etc"));
    Files.createDirectories(conf.resolve("conf.d"));
    Files.writeString(conf.resolve("keepalived.conf"), """
        include conf.d/*.conf
        include {extra,none}/x.conf
        include nothing/*.conf
        """);
    Files.writeString(conf.resolve("conf.d/b.conf"), "virtual_server 10.0.0.2 80 {\n protocol TCP\n lb_kind NAT\n}\n");
    Files.writeString(conf.resolve("conf.d/a.conf"), """
        virtual_server 10.0.0.1 80 {
          bogus 1
          protocol TCP
          lb_kind NAT
        }
        """);
    Files.writeString(conf.resolve("conf.d/.hidden.conf"), "junk\n");
    Files.createDirectories(conf.resolve("extra"));
    Files.writeString(conf.resolve("extra/x.conf"), "include ../conf.d/b.conf\n");

    Path main = conf.resolve("keepalived.conf");
    ParseResult r = KeepalivedConfigParser.parse(main);
    String base = conf.toString();
    assertEquals(List.of(base + "/conf.d/a.conf:2:3: unknown keyword 'bogus' in virtual_server",
        base + "/conf.d/b.conf:1:1: virtual_server TCP 10.0.0.2:80 is already defined at " + base
            + "/conf.d/b.conf:1:1"), errors(r));
    assertEquals(List.of(base + "/keepalived.conf:3:9: warning: no configuration file matched include"
        + " 'nothing/*.conf'"), r.warnings().stream().map(ConfigProblem::toString).toList());
    assertEquals(3, r.config().virtualServers().size());
  }

  @Test
  void includeCycle_isAnError() throws IOException {
    Files.writeString(dir.resolve("a.conf"), "include b.conf\n");
    Files.writeString(dir.resolve("b.conf"), "include a.conf\n");
    ParseResult r = KeepalivedConfigParser.parse(dir.resolve("a.conf"));
    assertEquals(1, r.errors().size());
    assertTrue(r.errors().get(0).message().startsWith("include cycle"), r.errors().toString());
  }

  @Test
  void missingFile_isAnError() {
    ParseResult r = KeepalivedConfigParser.parse(dir.resolve("absent.conf"));
    assertEquals(1, r.errors().size());
    assertEquals(dir.resolve("absent.conf") + ":1:1", r.errors().get(0).location().toString());
  }

  @Test
  void unreadableFiles_sayWhyInAnOperatorsWords() throws IOException {
    // the exception's class name stood first: "NoSuchFile /x", "IO Is a directory"
    assertEquals(List.of(dir.resolve("absent.conf") + ":1:1: cannot read configuration file: no such file"),
        errors(KeepalivedConfigParser.parse(dir.resolve("absent.conf"))));
    Files.createDirectories(dir.resolve("d.conf"));
    assertEquals(List.of(dir.resolve("d.conf") + ":1:1: cannot read configuration file: Is a directory"),
        errors(KeepalivedConfigParser.parse(dir.resolve("d.conf"))));
  }

  @Test
  void bytesThatAreNotUtf8_areAnErrorAtTheirLineAndColumn() throws IOException {
    // a Latin-1 comment: the whole file was refused at 1:1 with "MalformedInput Input length = 1"
    byte[] latin1 = "virtual_server 10.0.0.1 80 {\n  protocol TCP # K\u00f6ln\n}\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(dir.resolve("latin1.conf"), latin1);
    assertEquals(List.of(dir.resolve("latin1.conf") + ":2:19: byte 0xF6 is not UTF-8 text; lbkit reads"
        + " configuration files as UTF-8 (convert the file, e.g. with iconv -f LATIN1 -t UTF-8)"),
        errors(KeepalivedConfigParser.parse(dir.resolve("latin1.conf"))));
    // in an included file, the place is in that file; the column counts characters, not bytes
    Files.write(dir.resolve("inc.conf"), "# \u00e9t\u00e9 \u00f6\n".getBytes(StandardCharsets.ISO_8859_1));
    Files.writeString(dir.resolve("main.conf"), "# \u00e9t\u00e9\ninclude inc.conf\n");
    ParseResult r = KeepalivedConfigParser.parse(dir.resolve("main.conf"));
    assertEquals(1, r.errors().size(), r.errors().toString());
    assertEquals(dir.resolve("inc.conf") + ":1:3", r.errors().get(0).location().toString());
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());
  }

  @Test
  void includeOfAnEndlessFile_isAnError_notAFullHeap() throws IOException {
    // include /dev/zero (or a glob matching it) read until OutOfMemoryError, which on SIGHUP ends a running director
    Path zero = Path.of("/dev/zero");
    Files.writeString(dir.resolve("main.conf"), "include /dev/zero\n");
    assertEquals(List.of(dir.resolve("main.conf") + ":1:9: cannot read included file /dev/zero: larger than 32 MiB,"
        + " more than any configuration needs"), errors(KeepalivedConfigParser.parse(dir.resolve("main.conf"))));
    assertEquals(List.of("/dev/zero:1:1: cannot read configuration file: larger than 32 MiB, more than any"
        + " configuration needs"), errors(KeepalivedConfigParser.parse(zero)));
  }

  @Test
  void includeMatchingOnlyDirectories_orOnlyACycle_isNotCalledAMissingFile() throws IOException {
    Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(dir.resolve("main.conf"), "include conf.d\n");
    ParseResult r = KeepalivedConfigParser.parse(dir.resolve("main.conf"));
    assertEquals(List.of(dir.resolve("main.conf") + ":1:9: warning: include 'conf.d' matched only directories,"
        + " which keepalived skips; include their files with a pattern such as conf.d/*.conf"),
        r.warnings().stream().map(ConfigProblem::toString).toList());
    Files.writeString(dir.resolve("self.conf"), "include self.conf\n");
    r = KeepalivedConfigParser.parse(dir.resolve("self.conf"));
    assertEquals(List.of(dir.resolve("self.conf") + ":1:9: include cycle: " + dir.resolve("self.conf")
        + " is already being read"),
        errors(r));
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());
  }

  @Test
  void keepalivedExtensionsWeDoNotImplement_areErrors() {
    ParseResult r = parse("""
        $IF=eth0
        @lb1 global_defs {
        }
        """);
    assertEquals(List.of(
        "k.conf:1:1: parameter definitions ($NAME=...) are not supported by lbkit",
        "k.conf:2:1: conditional configuration lines (@ID ...) are not supported by lbkit",
        "k.conf:3:1: extra '}' with no block open"), errors(r));
  }

  @Test
  void vrrpScript_readsItsFields() {
    ParseResult r = parse("""
        vrrp_script chk_haproxy {
          script "/usr/bin/killall -0 haproxy"
          interval 2
          weight -20
          fall 3
          rise 2
        }
        """);
    VrrpScriptConfig s = r.config().vrrpScripts().get(0);
    assertEquals("/usr/bin/killall -0 haproxy", s.script());
    assertEquals(Duration.ofSeconds(2), s.timeout());
    assertEquals(-20, s.weight());
    assertEquals(3, s.fall());
    assertEquals(2, s.rise());
  }

  private static VrrpInstanceConfig instance(String body) {
    ParseResult r = parse("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n" + body
        + "  virtual_ipaddress {\n    10.0.0.100\n  }\n}\n");
    assertEquals(List.of(), errors(r));
    return r.config().vrrpInstance("VI_1").orElseThrow();
  }

  @Test
  void notifyDeleted_withOrWithoutACommand() {
    // keepalived 2.2 vrrp_parser.c: the command is optional; the keyword alone switches FAULT to DELETED
    NotifyScripts withCommand = instance("  notify_deleted \"/bin/echo gone\"\n").notifyScripts();
    assertEquals(Optional.of("/bin/echo gone"), withCommand.deleted());
    assertTrue(withCommand.notifyDeleted());
    NotifyScripts bare = instance("  notify_deleted\n").notifyScripts();
    assertEquals(Optional.empty(), bare.deleted());
    assertTrue(bare.notifyDeleted());
    assertFalse(bare.isEmpty());
    NotifyScripts none = instance("  notify_fault /bin/true\n").notifyScripts();
    assertFalse(none.notifyDeleted());
  }

  @Test
  void stateAndPriority_defaultFromEachOther_asKeepalived() {
    // keepalived 2.2.7 vrrp_complete_instance: no priority -> 255 with state MASTER, else 100; no state -> from it
    assertEquals(255, instance("  state MASTER\n").priority());
    assertEquals(100, instance("  state BACKUP\n").priority());
    assertEquals(100, instance("").priority());
    assertEquals(VrrpInstanceConfig.InitialState.BACKUP, instance("").initialState());
    assertEquals(VrrpInstanceConfig.InitialState.MASTER, instance("  priority 255\n").initialState());
    assertEquals(VrrpInstanceConfig.InitialState.BACKUP, instance("  priority 254\n").initialState());
    assertEquals(VrrpInstanceConfig.InitialState.BACKUP, instance("  priority 255\n  state BACKUP\n").initialState());
    assertEquals(150, instance("  state MASTER\n  priority 150\n").priority());
  }

  @Test
  void stateMaster_clearsNopreemptAndPreemptDelay_withWarnings_andIgnoresALaterBackup() {
    ParseResult r = parse("""
        vrrp_instance VI_1 {
          state MASTER
          interface eth0
          virtual_router_id 51
          priority 150
          nopreempt
          preempt_delay 30
          state BACKUP
          virtual_ipaddress {
            10.0.0.100
          }
        }
        """);
    VrrpInstanceConfig i = r.config().vrrpInstance("VI_1").orElseThrow();
    assertTrue(i.preempt());
    assertEquals(java.time.Duration.ZERO, i.preemptDelay());
    assertEquals(VrrpInstanceConfig.InitialState.MASTER, i.initialState());
    assertEquals(List.of(
        "k.conf:6:3: warning: nopreempt does not work with state MASTER; cleared, as keepalived does (use state BACKUP)",
        "k.conf:7:3: warning: preempt_delay does not work with state MASTER; cleared, as keepalived does (use state "
            + "BACKUP)",
        "k.conf:8:3: warning: state previously set as MASTER; BACKUP is ignored, as keepalived does"), r.warnings().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void acceptAndNoAccept_lastOneWins_andDefaultIsAcceptOutsideStrictMode() {
    VrrpInstanceConfig plain = instance("");
    assertEquals(Optional.empty(), plain.accept());
    assertFalse(plain.strictMode());
    assertTrue(plain.acceptMode(), "keepalived without vrrp_strict accepts by default");
    assertFalse(instance("  no_accept\n").acceptMode());
    assertEquals(Optional.of(false), instance("  no_accept\n").accept());
    assertTrue(instance("  no_accept\n  accept\n").acceptMode(), "the last of accept / no_accept counts");
    assertFalse(instance("  accept\n  no_accept\n").acceptMode());
    assertEquals(List.of("k.conf:4:10: 'accept' takes no value but has an extra 'yes'"),
        errors(parse("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  accept yes\n"
            + "  virtual_ipaddress {\n    10.0.0.100\n  }\n}\n")));
  }

  private static ParseResult strict(String body) {
    return parse("global_defs {\n  vrrp_strict\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n"
        + "  virtual_ipaddress {\n    10.0.0.100\n  }\n" + body + "}\n");
  }

  private static List<String> warnings(ParseResult r) {
    return r.warnings().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void vrrpStrict_turnsTheAcceptDefaultOff_asKeepalived227() {
    // keepalived 2.2.7 vrrp_complete_instance: unset accept = !strict_mode; strict VRRPv2 below 255 never accepts
    ParseResult r = strict("  version 3\n");
    assertTrue(r.config().globalDefs().vrrpStrict());
    VrrpInstanceConfig i = r.config().vrrpInstance("VI_1").orElseThrow();
    assertTrue(i.strictMode());
    assertFalse(i.acceptMode());
    assertTrue(strict("  version 3\n  accept\n").config().vrrpInstance("VI_1").orElseThrow().acceptMode(),
        "VRRPv3 may accept in strict mode when asked to");
    ParseResult v2 = strict("  priority 100\n  accept\n");
    assertFalse(v2.config().vrrpInstance("VI_1").orElseThrow().acceptMode());
    assertEquals(List.of("k.conf:11:3: warning: accept does not comply with RFC 3768 (VRRP version 2) in strict mode; "
        + "no_accept is used, as keepalived does"), warnings(v2));
    assertTrue(strict("  priority 255\n  accept\n").config().vrrpInstance("VI_1").orElseThrow().acceptMode());
    VrrpInstanceConfig off = strict("  strict_mode off\n").config().vrrpInstance("VI_1").orElseThrow();
    assertFalse(off.strictMode(), "strict_mode of the instance overrides vrrp_strict");
    assertTrue(off.acceptMode());
    VrrpInstanceConfig on = instance("  strict_mode\n");
    assertTrue(on.strictMode());
    assertFalse(on.acceptMode());
  }

  @Test
  void vrrpStrict_countsWhereverGlobalDefsIsWritten() {
    ParseResult r = parse("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n"
        + "  virtual_ipaddress {\n    10.0.0.100\n  }\n}\n" + "global_defs {\n  vrrp_strict\n}\n");
    assertTrue(r.config().vrrpInstance("VI_1").orElseThrow().strictMode());
  }

  @Test
  void vrrpStrict_clearsAuthenticationAndPreemptDelay_andTiesStateToTheOwner_withWarnings() {
    // what keepalived 2.2.7 reports for the same file (keepalived -t): "State MASTER must match being address
    // owner", "Strict mode does not support authentication. Ignoring.", "preempt_delay is incompatible with strict
    // mode - resetting"
    ParseResult r = strict("""
          state MASTER
          priority 150
          preempt_delay 5
          authentication {
            auth_type PASS
            auth_pass secret
          }
        """);
    VrrpInstanceConfig i = r.config().vrrpInstance("VI_1").orElseThrow();
    assertEquals(VrrpInstanceConfig.InitialState.BACKUP, i.initialState());
    assertEquals(Duration.ZERO, i.preemptDelay());
    assertEquals(Optional.empty(), i.authentication());
    assertEquals(List.of(
        "k.conf:4:1: warning: vrrp_instance VI_1: in strict mode state MASTER must match being the address owner "
            + "(priority 255); state set to BACKUP, as keepalived does",
        "k.conf:4:1: warning: strict mode has no authentication; authentication is ignored, as keepalived does",
        "k.conf:12:3: warning: preempt_delay is not allowed in strict mode; cleared, as keepalived does"),
        warnings(r));
    assertEquals(VrrpInstanceConfig.InitialState.MASTER,
        strict("  priority 255\n").config().vrrpInstance("VI_1").orElseThrow().initialState());
  }

  @Test
  void sslBlock_isImported_laterKeywordsWin() {
    ParseResult r = parse("SSL {\n  password \"pass word\"\n  ca /etc/ca.pem\n  certificate client.pem\n"
        + "  key /etc/old.pem\n}\nSSL {\n  key /etc/client-key.pem\n}\n");
    assertTrue(r.ok() && r.warnings().isEmpty(), r.errors() + " " + r.warnings());
    SslConfig ssl = r.config().ssl().orElseThrow();
    assertEquals(Optional.of("pass word"), ssl.password());
    assertEquals(Optional.of(Path.of("/etc/ca.pem")), ssl.ca());
    assertEquals(Optional.of(Path.of("client.pem")), ssl.certificate());
    assertEquals(Optional.of(Path.of("/etc/client-key.pem")), ssl.key());
    assertTrue(ssl.presentsCertificate());
    assertEquals(Optional.empty(), parse("global_defs {\n}\n").config().ssl());
  }

  @Test
  void sslBlock_certificateWithoutKey_warnsThatNoneIsPresented_andUnknownKeywordsAreErrors() {
    ParseResult r = parse("SSL {\n  certificate client.pem\n}\n");
    assertTrue(r.ok(), r.errors().toString());
    assertFalse(r.config().ssl().orElseThrow().presentsCertificate());
    assertTrue(r.warnings().stream().anyMatch(w -> w.message().contains("certificate but no key")), r.warnings()
        .toString());
    assertFalse(parse("SSL {\n  cert client.pem\n}\n").ok());
  }
}
