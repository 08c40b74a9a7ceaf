package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real keepalived 2.2.7's {@code keepalived -t} and lbkit's parser on the same files with UDP_CHECK, DNS_CHECK,
 * SMTP_CHECK and script-user settings: a file keepalived accepts, lbkit accepts; for each bad value keepalived
 * complains about, lbkit has an error on that line (or, where keepalived complains as a block ends, on the block).
 * keepalived is a package of .ci/install; its exit status under {@code -t} is not used (2.2.7 sometimes ends its
 * test with SIGTERM), only the lines it reports.
 */
final class KeepalivedCheckersConfigTestIT {
  private static final Pattern REPORT = Pattern.compile("^\\((?:.*: )?Line (\\d+)\\) (.*)$");

  @TempDir
  Path dir;

  /** The lines keepalived -t reports problems on, with the messages. */
  private List<String> keepalived(Path file) throws IOException, InterruptedException {
    List<String> reports = new ArrayList<>();
    for (String line : keepalivedOutput(file).split("\n")) {
      Matcher m = REPORT.matcher(line.strip());
      if (m.matches() && !reports.contains(m.group(1) + ": " + m.group(2))) {
        reports.add(m.group(1) + ": " + m.group(2));
      }
    }
    return reports;
  }

  /** All keepalived -t says about a file. */
  private String keepalivedOutput(Path file) throws IOException, InterruptedException {
    // in a session of its own: 2.2.7's -t can end by signalling, and it must not reach the test's JVM
    Process p = new ProcessBuilder("setsid", "--wait", "keepalived", "-t", "-f", file.toString(), "-l", "-D")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keepalived -t did not finish");
    return out;
  }

  private static final String VS = """
      virtual_server 192.0.2.10 53 {
        protocol UDP
        lb_algo rr
        lb_kind NAT
        delay_loop 3
        real_server 10.0.0.2 53 {
      %s
        }
      }
      """;

  private void compare(String name, String globals, String checkers, boolean bad) throws Exception {
    String text = (globals.isEmpty() ? "" : "global_defs {\n" + globals + "\n}\n") + VS.formatted(checkers);
    Path file = Files.writeString(dir.resolve(name + ".conf"), text);
    List<String> theirs = keepalived(file);
    ParseResult ours = KeepalivedConfigParser.parse(file);
    String both = name + ":\n" + text + "\nkeepalived -t: " + theirs + "\nlbkit: " + ours.errors();
    assertEquals(bad, !theirs.isEmpty(), "keepalived's verdict is not the one this case expects\n" + both);
    assertEquals(bad, !ours.ok(), both);
    TreeSet<Integer> ourLines = new TreeSet<>();
    ours.errors().forEach(e -> ourLines.add(e.location().line()));
    for (String report : theirs) {
      int line = Integer.parseInt(report.substring(0, report.indexOf(':')));
      // on the line itself, or on the block keepalived was closing (its end handlers report at the '}')
      Integer at = ourLines.floor(line);
      assertTrue(at != null && (at == line || text.lines().skip(at - 1).findFirst().orElse("").strip()
          .endsWith("{")), "keepalived reports line " + line + " but lbkit has no error there\n" + both);
    }
  }

  @Test
  void everyKeyword_isAcceptedByBoth() throws Exception {
    compare("good", """
          script_user nobody
          enable_script_security
        """, """
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
            warmup 2.5
            DNS_CHECK {
              name .
              type DNSKEY
              delay_loop 2
              warmup 0.5
              alpha
            }
            SMTP_CHECK {
              helo_name mx.example.com
              connect_port 2525
              host {
                connect_ip 10.0.0.8
                connect_timeout 1
              }
            }
        """, false);
  }

  @Test
  void badValues_areErrorsInBoth_onTheSameLines() throws Exception {
    String[][] cases = {
        {"payload-empty", "UDP_CHECK {\n payload\n }"},
        {"payload-colons", "UDP_CHECK {\n payload 01:02\n }"},
        {"payload-wildcard", "UDP_CHECK {\n payload 0x\n }"},
        {"reply-bad", "UDP_CHECK {\n require_reply 5g\n }"},
        {"min-range", "UDP_CHECK {\n min_reply_length 70000\n }"},
        {"max-word", "UDP_CHECK {\n max_reply_length abc\n }"},
        {"min-over-max", "UDP_CHECK {\n require_reply 00\n min_reply_length 10\n max_reply_length 4\n }"},
        {"family", "UDP_CHECK {\n connect_ip 10.0.0.9\n bindto 2001:db8::1\n }"},
        {"connect-port", "DNS_CHECK {\n connect_port 70000\n }"},
        {"dns-type", "DNS_CHECK {\n type BOGUS\n }"},
        {"dns-empty-label", "DNS_CHECK {\n name www..example.com\n }"},
        {"dns-leading-dot", "DNS_CHECK {\n name .example.com\n }"},
        {"dns-one-char-label", "DNS_CHECK {\n name a.example.com\n }"},
        {"dns-name-twice", "DNS_CHECK {\n name www.example.com\n name ns.example.com\n }"},
        {"helo-missing", "SMTP_CHECK {\n helo_name\n }"},
        {"timeout-bad", "SMTP_CHECK {\n connect_timeout soon\n }"},
        {"retry-bad", "DNS_CHECK {\n retry -1\n }"},
        {"delay-loop-bad", "UDP_CHECK {\n delay_loop 0\n }"},
        {"alpha-bad", "UDP_CHECK {\n alpha maybe\n }"},
        {"rs-warmup-bad", "warmup soon\n UDP_CHECK {\n }"},
        {"warmup-bad", "UDP_CHECK {\n warmup -1\n }"},
    };
    for (String[] c : cases) {
      compare(c[0], "", c[1], true);
    }
  }

  @Test
  void scriptUserSettings_areCheckedAlike() throws Exception {
    compare("script-user-missing", "  script_user", "UDP_CHECK {\n }", true);
    compare("misc-user-missing", "  enable_script_security\n  script_user nobody",
        "MISC_CHECK {\n misc_path /bin/true\n user\n }", true);
    compare("misc-user", "  enable_script_security", "MISC_CHECK {\n misc_path /bin/true\n user nobody\n }", false);
    assertFalse(keepalived(Files.writeString(dir.resolve("x.conf"), VS.formatted("UDP_CHECK {\n }")))
        .toString().contains("Line"), "a plain UDP_CHECK is fine for keepalived");
  }

  /**
   * keepalived's "SECURITY VIOLATION - check scripts are being executed" (a security error of {@code -t}) counts
   * MISC_CHECK programs and the notify_up/notify_down/quorum_up/quorum_down hooks, and only programs it finds; lbkit
   * warns in exactly the same cases.
   */
  @Test
  void securityViolation_countsTheSameScripts() throws Exception {
    String[][] cases = {
        {"notify-up", "", "notify_up /bin/true", "yes"},
        {"notify-down-bare", "", "notify_down \"true now\"", "yes"},
        {"quorum-up", "quorum_up /bin/true", "", "yes"},
        {"quorum-down-missing", "quorum_down /nonexistent/hook", "", "no"},
        {"notify-missing", "", "notify_up /nonexistent/hook", "no"},
        {"notify-bare-missing", "", "notify_down no-such-program-here", "no"},
        {"misc-missing", "", "MISC_CHECK {\n misc_path /nonexistent/check\n }", "no"},
        {"misc-true", "", "MISC_CHECK {\n misc_path /bin/true\n }", "yes"},
        {"none", "", "", "no"},
    };
    String violation = "SECURITY VIOLATION - check scripts are being executed";
    for (String[] c : cases) {
      String text = """
          virtual_server 192.0.2.10 80 {
            protocol TCP
            lb_algo rr
            lb_kind NAT
            %s
            real_server 10.0.0.2 80 {
              %s
              TCP_CHECK {
              }
            }
          }
          """.formatted(c[1], c[2]);
      assertSameViolationVerdict(c[0], text, violation, c[3].equals("yes"));
    }
  }

  /**
   * And on the VRRP side ("scripts are being executed"): every vrrp_script keepalived finds, tracked or not, and the
   * notify hooks of instances, again only programs that are there.
   */
  @Test
  void vrrpSecurityViolation_countsTheSameScripts() throws Exception {
    String[][] cases = {
        {"untracked-script", "vrrp_script chk {\n script /bin/true\n}\n", "", "yes"},
        {"missing-script", "vrrp_script chk {\n script /nonexistent/chk\n}\n", "track_script {\n chk\n }", "no"},
        {"notify-master", "", "notify_master /bin/true", "yes"},
        {"notify-missing", "", "notify_master /nonexistent/hook", "no"},
        {"none", "", "", "no"},
    };
    String violation = "SECURITY VIOLATION - scripts are being executed";
    for (String[] c : cases) {
      String text = c[1] + """
          vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
              192.0.2.1/24
            }
            %s
          }
          """.formatted(c[2]);
      assertSameViolationVerdict(c[0], text, violation, c[3].equals("yes"));
    }
  }

  /**
   * Writes {@code text} as NAME.conf and asserts that real keepalived reports {@code violation} exactly when
   * {@code keepalivedReports} says it does, and that lbkit's warnings contain it exactly when keepalived's do.
   */
  private void assertSameViolationVerdict(String name, String text, String violation, boolean keepalivedReports)
      throws Exception {
    Path file = Files.writeString(dir.resolve(name + ".conf"), text);
    boolean theirs = keepalivedOutput(file).contains(violation);
    assertEquals(keepalivedReports, theirs, name + ": keepalived's verdict is not the one this case expects");
    ParseResult ours = KeepalivedConfigParser.parse(file);
    assertEquals(theirs, ours.warnings().toString().contains(violation), name + ": keepalived "
        + (theirs ? "reports" : "does not report") + " it; lbkit's warnings: " + ours.warnings() + "\n" + text);
  }
}
