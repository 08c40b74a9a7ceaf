package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.config.HealthCheckConfig.Dns;
import dev.lbkit.config.HealthCheckConfig.Misc;
import dev.lbkit.config.HealthCheckConfig.Smtp;
import dev.lbkit.config.HealthCheckConfig.Udp;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * UDP_CHECK, DNS_CHECK, SMTP_CHECK and the script user settings as keepalived 2.2.7 reads them: defaults, every
 * keyword, and the same complaints at the same lines as {@code keepalived -t} (outputs quoted where compared).
 */
final class KeepalivedCheckersTest {
  private static ParseResult parse(String text) {
    return KeepalivedConfigParser.parse("k.conf", text, Path.of("."));
  }

  private static List<String> errors(ParseResult r) {
    return r.errors().stream().map(ConfigProblem::toString).toList();
  }

  /** The warnings, less keepalived's protocol / lb_kind defaulting ones (KeepalivedConfigParserTest covers those). */
  private static List<String> warnings(ParseResult r) {
    return r.warnings().stream().map(ConfigProblem::toString)
        .filter(w -> !w.contains("no protocol set - defaulting to UDP") && !w.contains("no forwarding method set"))
        .toList();
  }

  private static List<HealthCheckConfig> checks(ParseResult r) {
    assertEquals(List.of(), errors(r));
    return r.config().virtualServers().get(0).realServers().get(0).checks();
  }

  @Test
  void sslGet_enableSni_namesTheUrlsThenTheCheckersThenTheVirtualServersVirtualhost_neverTheRealServers() {
    ParseResult r = parse("""
        virtual_server 192.0.2.10 443 {
          protocol TCP
          virtualhost vs.example
          real_server 10.0.0.2 443 {
            virtualhost rs.example
            SSL_GET {
              enable_sni
              url {
                path /a
                virtualhost url.example
              }
              url {
                path /b
              }
            }
            SSL_GET {
              enable_sni
              virtualhost checker.example
              url {
                path /c
              }
            }
            SSL_GET {
              url {
                path /d
                virtualhost url.example
              }
            }
          }
        }
        """);
    List<HealthCheckConfig> c = checks(r);
    HealthCheckConfig.Http first = (HealthCheckConfig.Http) c.get(0);
    assertTrue(first.enableSni());
    assertEquals(Optional.of("url.example"), first.sniName(first.urls().get(0)));
    assertEquals(Optional.of("vs.example"), first.sniName(first.urls().get(1)), "the real server's is skipped");
    assertEquals(Optional.of("rs.example"), first.virtualhost(), "the Host header still uses the real server's");
    HealthCheckConfig.Http second = (HealthCheckConfig.Http) c.get(1);
    assertEquals(Optional.of("checker.example"), second.sniName(second.urls().get(0)));
    HealthCheckConfig.Http third = (HealthCheckConfig.Http) c.get(2);
    assertFalse(third.enableSni());
    assertEquals(Optional.empty(), third.sniName(third.urls().get(0)), "no SNI without enable_sni");
  }

  @Test
  void httpGet_fastRecovery_isRead_aloneOrWithAValue_andOffByDefault() {
    ParseResult r = parse("""
        virtual_server 192.0.2.10 80 {
          protocol TCP
          real_server 10.0.0.2 80 {
            HTTP_GET {
              fast_recovery
              url {
                path /a
              }
            }
            SSL_GET {
              fast_recovery off
              url {
                path /b
              }
            }
            HTTP_GET {
              url {
                path /c
              }
            }
          }
        }
        """);
    assertEquals(List.of(), warnings(r), "fast_recovery is read, not ignored");
    List<HealthCheckConfig> c = checks(r);
    assertTrue(((HealthCheckConfig.Http) c.get(0)).fastRecovery());
    assertFalse(((HealthCheckConfig.Http) c.get(1)).fastRecovery());
    assertFalse(((HealthCheckConfig.Http) c.get(2)).fastRecovery(), "keepalived's default: off");
  }

  @Test
  void httpGet_fastRecovery_withAWordThatIsNoBoolean_isAnError() {
    ParseResult r = parse("""
        virtual_server 192.0.2.10 80 {
          protocol TCP
          real_server 10.0.0.2 80 {
            HTTP_GET {
              fast_recovery sometimes
              url {
                path /a
              }
            }
          }
        }
        """);
    assertEquals(List.of("k.conf:5:21: fast_recovery must be one of on|off|true|false|yes|no but was"
        + " 'sometimes'"), errors(r));
  }

  @Test
  void emptyBlocks_takeKeepalivedsDefaults() {
    List<HealthCheckConfig> c = checks(parse("""
        virtual_server 192.0.2.10 53 {
          delay_loop 7
          protocol UDP
          real_server 10.0.0.2 53 {
            UDP_CHECK {
            }
            DNS_CHECK {
            }
            SMTP_CHECK {
            }
          }
        }
        """));
    Endpoint rs = Endpoint.parse("10.0.0.2:53");
    Udp udp = (Udp) c.get(0);
    assertEquals(new Udp(rs, Optional.empty(), Duration.ofSeconds(5), 1, Duration.ofSeconds(1), Optional.empty(),
        false, Optional.empty(), 0, 255, udp.location()), udp);
    Dns dns = (Dns) c.get(1);
    // check_dns.c: retry 3; delay_before_retry 0 there, which check_parser.c turns into the delay loop
    assertEquals(new Dns(rs, Optional.empty(), Duration.ofSeconds(5), 3, Duration.ofSeconds(7), "SOA", ".",
        dns.location()), dns);
    Smtp smtp = (Smtp) c.get(2);
    assertEquals(new Smtp(rs, Optional.empty(), Duration.ofSeconds(5), 1, Duration.ofSeconds(1),
        "smtpchecker.keepalived.org", smtp.location()), smtp);
    assertEquals(9, smtp.location().line());
  }

  @Test
  void everyKeyword_isRead() throws Exception {
    ParseResult r = parse("""
        virtual_server 192.0.2.10 53 {
          protocol UDP
          real_server 10.0.0.2 53 {
            delay_loop 4
            UDP_CHECK {
              connect_ip 10.0.0.3
              connect_port 5353
              bindto 10.0.0.1
              connect_timeout 2.5
              retry 4
              delay_before_retry 0.5
              payload 01 02 0a0B f
              require_reply 4x 4F X
              min_reply_length 3
              max_reply_length 1400
            }
            DNS_CHECK {
              connect_port 5300
              type aaaa
              name www.example.com.
              retry 0
            }
            SMTP_CHECK {
              helo_name mx.example.com
              connect_port 2525
              host {
                connect_ip 10.0.0.8
                connect_timeout 1
              }
              host {
                connect_ip 10.0.0.9
                connect_port 25
              }
            }
          }
        }
        """);
    List<HealthCheckConfig> c = checks(r);
    InetAddress local = InetAddress.getByName("10.0.0.1");
    Udp udp = (Udp) c.get(0);
    assertEquals(new Udp(Endpoint.parse("10.0.0.3:5353"), Optional.of(local), Duration.ofMillis(2500), 4,
        Duration.ofMillis(500), Optional.of("01020a0b0f"), true, Optional.of("4x4f0x"), 3, 1400, udp.location()),
        udp);
    Dns dns = (Dns) c.get(1);
    assertEquals(new Dns(Endpoint.parse("10.0.0.2:5300"), Optional.empty(), Duration.ofSeconds(5), 0,
        Duration.ofSeconds(4), "AAAA", "www.example.com.", dns.location()), dns);
    // the SMTP_CHECK itself, then one checker per host block, each from the settings written before it
    assertEquals(List.of(Endpoint.parse("10.0.0.2:2525"), Endpoint.parse("10.0.0.8:2525"),
        Endpoint.parse("10.0.0.9:25")), c.subList(2, 5).stream().map(x -> ((Smtp) x).target()).toList());
    assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5)),
        c.subList(2, 5).stream().map(x -> ((Smtp) x).connectTimeout()).toList());
    assertTrue(c.subList(2, 5).stream().allMatch(x -> ((Smtp) x).heloName().equals("mx.example.com")));
    assertEquals(List.of(
        "k.conf:26:7: warning: The SMTP_CHECK host block is deprecated. Please define additional checkers.",
        "k.conf:30:7: warning: The SMTP_CHECK host block is deprecated. Please define additional checkers."),
        warnings(r));
  }

  @Test
  void realAndVirtualServerSettings_overrideTheCheckerDefaults() {
    List<HealthCheckConfig> c = checks(parse("""
        virtual_server 192.0.2.10 53 {
          retry 6
          connect_timeout 3
          real_server 10.0.0.2 53 {
            delay_before_retry 2
            DNS_CHECK {
            }
            UDP_CHECK {
              retry 1
            }
          }
        }
        """));
    Dns dns = (Dns) c.get(0);
    assertEquals(6, dns.retry());
    assertEquals(Duration.ofSeconds(3), dns.connectTimeout());
    assertEquals(Duration.ofSeconds(2), dns.delayBeforeRetry());
    assertEquals(1, ((Udp) c.get(1)).retry());
  }

  /**
   * The same file gives keepalived 2.2.7's {@code keepalived -t} (lines as here):
   * <pre>
   * (Line 2) No script username specified
   * (Line 8) UDP_CHECK payload requires a payload
   * (Line 9) Invalid hex string for UDP_CHECK reply
   * (Line 10) UDP_CHECK min length 70000 not valid - must be between 0 &amp; 65535
   * (Line 11) UDP_CHECK max length abc not valid - must be between 0 &amp; 65535
   * (Line 17) bindto address 2001:db8::1 does not match address family of connect_ip - skipping
   * (Line 18) UDP_CHECK min_reply length 10 &gt; max_reply_length 4 - will always fail
   * (Line 20) Unknown DNS check type BOGUS - ignoring
   * (Line 21) DNS_CHECK name 'www..example.com' has empty label - ignoring
   * (Line 24) DNS_CHECK name 'a.example' has empty label - ignoring
   * (Line 28) SMTP_CHECK helo name missing
   * (Line 35) No user specified for misc checker script '/bin/true'
   * SECURITY VIOLATION - check scripts are being executed but script_security not enabled.
   * </pre>
   * keepalived goes on with defaults and exits non-zero; lbkit reports each as an error at the value.
   */
  @Test
  void badValues_areErrors_whereKeepalivedReportsThem() {
    ParseResult r = parse("""
        global_defs {
          script_user
        }
        virtual_server 192.0.2.10 53 {
          protocol UDP
          real_server 10.0.0.2 53 {
            UDP_CHECK {
              payload
              require_reply 5x:4f
              min_reply_length 70000
              max_reply_length abc
            }
            UDP_CHECK {
              min_reply_length 10
              max_reply_length 4
              connect_ip 10.0.0.9
              bindto 2001:db8::1
            }
            DNS_CHECK {
              type BOGUS
              name www..example.com
            }
            DNS_CHECK {
              name a.example
              name b.example
            }
            SMTP_CHECK {
              helo_name
              host {
                connect_ip 10.0.0.7
              }
            }
            MISC_CHECK {
              misc_path /bin/true
              user
            }
          }
        }
        """);
    assertEquals(List.of(
        "k.conf:2:3: No script username specified",
        "k.conf:8:7: UDP_CHECK payload requires a payload",
        "k.conf:9:21: Invalid hex string for UDP_CHECK reply: '5x:4f' (hex digits or x for any nibble, two to a"
            + " byte, bytes may be apart by blanks)",
        "k.conf:10:24: UDP_CHECK min length 70000 not valid - must be between 0 & 65535",
        "k.conf:11:24: UDP_CHECK max length abc not valid - must be between 0 & 65535",
        "k.conf:13:5: UDP_CHECK min_reply length 10 > max_reply_length 4 - will always fail",
        "k.conf:17:14: bindto address 2001:db8::1 does not match address family of connect_ip",
        "k.conf:20:12: type must be one of A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG, DNSKEY but was 'BOGUS'",
        "k.conf:21:12: DNS_CHECK name 'www..example.com' has empty label (keepalived 2.2.7 also rejects a"
            + " one-character first label)",
        "k.conf:24:12: DNS_CHECK name 'a.example' has empty label (keepalived 2.2.7 also rejects a one-character"
            + " first label)",
        "k.conf:25:12: DNS_CHECK name 'b.example' has empty label (keepalived 2.2.7 also rejects a one-character"
            + " first label)",
        "k.conf:28:7: SMTP_CHECK helo name missing",
        "k.conf:35:7: No user specified for misc checker script"), errors(r));
    assertEquals(List.of(
        "k.conf:29:7: warning: The SMTP_CHECK host block is deprecated. Please define additional checkers.",
        "k.conf:33:5: warning: SECURITY VIOLATION - check scripts are being executed but"
        + " script_security not enabled (set enable_script_security in global_defs)"), warnings(r));
  }

  @Test
  void dnsNameTwice_isAnError_andGoodNamesPass() {
    ParseResult r = parse("""
        virtual_server 192.0.2.10 53 {
          real_server 10.0.0.2 53 {
            DNS_CHECK {
              name www.example.com
              name ns.example.com
            }
            DNS_CHECK {
              name .
            }
          }
        }
        """);
    assertEquals(List.of("k.conf:5:7: DNS_CHECK name already specified (as 'www.example.com')"), errors(r));
  }

  @Test
  void scriptUsers_andScriptSecurity_areRead() {
    ParseResult r = parse("""
        global_defs {
          script_user nobody nogroup
          enable_script_security
        }
        virtual_server 192.0.2.10 80 {
          real_server 10.0.0.2 80 {
            MISC_CHECK {
              misc_path "/usr/local/bin/check --fast"
              user daemon
              retry 3
              delay_before_retry 1.5
            }
            MISC_CHECK {
              misc_path /usr/local/bin/other
            }
          }
        }
        """);
    List<HealthCheckConfig> c = checks(r);
    GlobalDefs g = r.config().globalDefs();
    assertTrue(g.scriptSecurity());
    assertEquals("nobody:nogroup", g.scriptUser().orElseThrow().toString());
    assertEquals(new ScriptUserConfig("daemon", Optional.empty(), ((Misc) c.get(0)).user().orElseThrow()
        .location()), ((Misc) c.get(0)).user().orElseThrow());
    assertEquals(9, ((Misc) c.get(0)).user().orElseThrow().location().line());
    assertFalse(((Misc) c.get(1)).user().isPresent());
    // check_misc.c: retry 0 unless set, here on the first check only
    assertEquals(List.of(3, 0), c.stream().map(x -> ((Misc) x).retry()).toList());
    assertEquals(Duration.ofMillis(1500), ((Misc) c.get(0)).delayBeforeRetry());
    assertEquals(Duration.ofSeconds(1), ((Misc) c.get(1)).delayBeforeRetry());
    assertEquals(List.of(), warnings(r)); // no SECURITY VIOLATION with enable_script_security
  }

  /**
   * keepalived counts every check script it finds, hooks too, and none it cannot find (checked against keepalived
   * 2.2.7's {@code -t} in KeepalivedCheckersConfigTestIT).
   */
  @Test
  void securityViolation_countsHooks_andOnlyProgramsThatAreThere() {
    String vs = """
        virtual_server 192.0.2.10 80 {
          protocol TCP
          lb_kind NAT
          %s
          real_server 10.0.0.2 80 {
            %s
            TCP_CHECK {
            }
          }
        }
        """;
    String violation = "SECURITY VIOLATION - check scripts are being executed";
    assertTrue(warnings(parse(vs.formatted("", "notify_up /bin/true"))).toString().contains(violation));
    assertTrue(warnings(parse(vs.formatted("quorum_down \"true now\"", ""))).toString().contains(violation),
        "a bare name found on PATH");
    assertEquals(List.of(), warnings(parse(vs.formatted("quorum_up /nonexistent/hook", "notify_down /nonexistent/x"))));
    assertEquals(List.of(), warnings(parse(vs.formatted("", "notify_down no-such-program-on-path"))));
    assertEquals(List.of(), warnings(parse(vs.formatted("", "MISC_CHECK {\n misc_path /nonexistent/check\n }"))));
    assertEquals(List.of("k.conf:5:3: warning: " + violation + " but script_security not enabled (set"
        + " enable_script_security in global_defs)"), warnings(parse(vs.formatted("", "notify_up /bin/true"))));
  }

  @Test
  void scriptUser_takesAtMostAUserAndAGroup() {
    ParseResult r = parse("""
        global_defs {
          script_user nobody nogroup extra
        }
        """);
    assertEquals(List.of("k.conf:2:30: 'script_user' takes at most 2 values but has an extra 'extra'"),
        errors(r));
  }

  @Test
  void notifyHooks_areReadAsKeepalivedReadsThem_wordsAfterTheScriptNameAUser() {
    ParseResult r = parse("""
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          notify_master "/usr/local/bin/hook master"
          notify_backup /usr/local/bin/hook backup
          notify_fault "/usr/local/bin/hook fault" nobody nogroup
          notify_stop /usr/local/bin/hook a b c
          virtual_ipaddress {
            10.0.0.100
          }
        }
        virtual_server 192.0.2.10 80 {
          quorum_up /usr/local/bin/quorum up
          real_server 10.0.0.2 80 {
            notify_up "/usr/local/bin/rs up"
          }
        }
        """);
    // keepalived 2.2.7 notify_script_init: the first word is the command line, then USER [GROUP]
    assertEquals(List.of("k.conf:7:39: 'notify_stop' takes at most 3 values but has an extra 'c'"), errors(r));
    NotifyScripts n = r.config().vrrpInstances().get(0).notifyScripts();
    assertEquals(Optional.of("/usr/local/bin/hook master"), n.master());
    assertEquals(Optional.of("/usr/local/bin/hook"), n.backup());
    assertEquals(Optional.of("/usr/local/bin/hook fault"), n.fault());
    assertEquals("backup", n.users().get("notify_backup").toString());
    assertEquals("nobody:nogroup", n.users().get("notify_fault").toString());
    assertEquals(null, n.users().get("notify_master"));
    VirtualServerConfig vs = r.config().virtualServers().get(0);
    assertEquals(Optional.of("/usr/local/bin/quorum"), vs.quorumUp());
    assertEquals("up", vs.hookUsers().get("quorum_up").toString());
    assertEquals(Optional.of("/usr/local/bin/rs up"), vs.realServers().get(0).notifyUp());
    assertEquals(Map.of(), vs.realServers().get(0).hookUsers());
  }

  @Test
  void miscPath_keepsOnlyItsFirstWord_asKeepalivedRunsIt() {
    ParseResult r = parse("""
        virtual_server 192.0.2.10 80 {
          real_server 10.0.0.2 80 {
            MISC_CHECK {
              misc_path /usr/local/bin/check --port 80
            }
            MISC_CHECK {
              misc_path "/usr/local/bin/check --port 80"
            }
          }
        }
        """);
    List<HealthCheckConfig> c = r.config().virtualServers().get(0).realServers().get(0).checks();
    assertEquals(List.of("/usr/local/bin/check", "/usr/local/bin/check --port 80"),
        c.stream().map(x -> ((Misc) x).script()).toList());
    assertTrue(warnings(r).contains("k.conf:4:38: warning: 'misc_path': keepalived 2.2.7 runs only"
        + " '/usr/local/bin/check' and drops '--port 80' (words outside the quotes); so does lbkit. To pass them, quote"
        + " the whole command line: \"/usr/local/bin/check --port 80\""), warnings(r).toString());
  }

  @Test
  void checkerTiming_delayLoopWarmupAlpha_areKeptPerChecker() {
    List<HealthCheckConfig> c = checks(parse("""
        virtual_server 192.0.2.10 53 {
          real_server 10.0.0.2 53 {
            DNS_CHECK {
              delay_loop 2
              warmup 0.5
              alpha
            }
            TCP_CHECK {
              alpha off
            }
            MISC_CHECK {
              misc_path /bin/true
              delay_loop 3
            }
          }
        }
        """));
    assertEquals(new HealthCheckConfig.CheckerTiming(Optional.of(Duration.ofSeconds(2)),
        Optional.of(Duration.ofMillis(500)), Optional.of(true)), c.get(0).timing());
    assertEquals(new HealthCheckConfig.CheckerTiming(Optional.empty(), Optional.empty(), Optional.of(false)),
        c.get(1).timing());
    assertEquals(Optional.of(Duration.ofSeconds(3)), c.get(2).timing().delayLoop());
  }
}
