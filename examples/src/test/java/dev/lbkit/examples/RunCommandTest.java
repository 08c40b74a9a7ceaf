package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class RunCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void configTest_printsTheTableAsIpvsadm_andWarnings_andExits0() throws IOException {
    Path conf = Files.writeString(dir.resolve("keepalived.conf"), """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          authentication {
            auth_type PASS
            auth_pass longpassword
          }
          virtual_ipaddress {
            192.0.2.100
          }
        }
        virtual_server 192.0.2.10 80 {
          protocol TCP
          lb_algo wrr
          lb_kind DR
          persistence_timeout 60
          real_server 10.0.0.2 80 {
            weight 3
          }
          real_server 10.0.0.1 80 {
          }
        }
        """);
    assertEquals(0, run("run", "--config-test", conf.toString()));
    assertEquals("""
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
        TCP  192.0.2.10:80 wrr persistent 60
          -> 10.0.0.1:80                  Route   1      0          0         \n\
          -> 10.0.0.2:80                  Route   3      0          0         \n\
        """, out());
    assertEquals(conf + ":6:15: warning: auth_pass is longer than 8 characters; truncated to its first 8, as"
        + " keepalived does\n", err());
  }

  @Test
  void configTest_printsEveryError_andExits1() throws IOException {
    Path conf = Files.writeString(dir.resolve("bad.conf"), """
        virtual_server 192.0.2.10 80
          lb_algo nope
          real_server 10.0.0.2 80 {
            wieght 3
          }
        }
        """);
    assertEquals(1, run("run", "--config-test", conf.toString()));
    assertEquals("", out());
    assertEquals(String.join("\n",
        conf + ":1:29: missing '{' after 'virtual_server': the lines that follow are read as its block",
        conf + ":2:11: lb_algo must be one of rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos but"
            + " was 'nope'",
        conf + ":4:5: unknown keyword 'wieght' in real_server",
        conf + ":6:1: extra '}' with no block open",
        conf + ": 4 errors", ""), err());
  }

  @Test
  void configTest_looksScriptUsersUpOnThisHost_asKeepalivedT() throws IOException {
    Path conf = Files.writeString(dir.resolve("users.conf"), """
        global_defs {
          enable_script_security
        }
        virtual_server 192.0.2.10 53 {
          protocol UDP
          lb_kind NAT
          real_server 10.0.0.2 53 {
            DNS_CHECK {
              name www.example.com
            }
            MISC_CHECK {
              misc_path /bin/true
              user lbkit-no-such-user-9
            }
          }
        }
        """);
    assertEquals(1, run("run", "--config-test", conf.toString()));
    assertEquals("", out());
    assertEquals(conf + ":13:7: Failed to set uid/gid for misc checker script /bin/true: script user"
        + " 'lbkit-no-such-user-9' does not exist\n" + conf + ": 1 error\n", err());
  }

  @Test
  void run_forMustBeZeroOrMoreSeconds() {
    assertEquals(2, run("run", dir.resolve("absent.conf").toString(), "--in-memory", "--for", "-1"));
    assertEquals(2, run("run", dir.resolve("absent.conf").toString(), "--in-memory", "--for", "NaN"));
    assertTrue(err().contains("--for must be zero or more seconds but was '-1'"), err());
    assertTrue(err().contains("--for must be zero or more seconds but was 'NaN'"), err());
  }

  @Test
  void configTest_withoutAFile_isAUsageError() {
    assertEquals(2, run("run", "--config-test"));
    assertTrue(err().contains("--config-test FILE"), err());
  }

  @Test
  void run_inMemory_installsTheTableOnceMaster_andPrintsIt() throws IOException {
    try (java.net.ServerSocket backend = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Path conf = Files.writeString(dir.resolve("run.conf"), """
          vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            version 3
            advert_int 0.1
            virtual_ipaddress {
              192.0.2.1
            }
          }
          virtual_server 192.0.2.1 80 {
            protocol TCP
            delay_loop 0.2
            real_server 127.0.0.1 %d {
              TCP_CHECK {
                connect_timeout 1
              }
            }
          }
          """.formatted(backend.getLocalPort()));
      assertEquals(0, run("run", conf.toString(), "--in-memory", "--for", "1.5"));
    }
    String text = out();
    assertTrue(text.contains("VRRP VI_1 (vrid 51): BACKUP -> MASTER"), text);
    assertTrue(text.contains("VRRP: director active"), text);
    assertTrue(text.contains("ipvsadm -A -t 192.0.2.1:80 -s wlc"), text);
    assertTrue(text.contains("TCP  192.0.2.1:80 wlc"), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("  -> 127.0.0.1:") && l.contains("Masq    1")), text);
  }

  @Test
  void run_withAnUnknownOption_isAUsageError() {
    assertEquals(2, run("run", "x.conf", "--bogus"));
    assertTrue(err().contains("unknown option --bogus"), err());
  }

  private void awaitOutput(String text) throws InterruptedException {
    for (int i = 0; i < 200 && !out().contains(text); i++) {
      Thread.sleep(50);
    }
    assertTrue(out().contains(text), "waited 10 s for '" + text + "' in:\n" + out() + err());
  }

  /** A real SIGHUP to this JVM, once the run has installed its handler (else the signal would end the JVM). */
  private static void hangup() throws Exception {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
    assertEquals(0, kill.waitFor());
  }

  @Test
  void run_inMemory_reloadsOnSighup_changingOnlyWhatChanged_andRefusesABadFile() throws Exception {
    String conf = """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority %d
          advert_int 1
          virtual_ipaddress {
            192.0.2.1
          }
        }
        virtual_server 192.0.2.1 80 {
          protocol TCP
          real_server 127.0.0.1 8080 {
          }
        %s}
        """;
    Path file = Files.writeString(dir.resolve("reload.conf"), conf.formatted(255, ""));
    Thread run = new Thread(() -> run("run", file.toString(), "--in-memory", "--for", "6"));
    run.start();
    try {
      awaitOutput("reload: kill -HUP " + ProcessHandle.current().pid());
      awaitOutput("VRRP: director active");
      Files.writeString(file, conf.formatted(254, "  real_server 127.0.0.2 8080 {\n  }\n"));
      hangup();
      awaitOutput("applied; VRRP kept [], changed [VI_1], added [], removed []");
      Files.writeString(file, "virtual_server 192.0.2.1 80 {\n  lb_algo nope\n}\n");
      hangup();
      for (int i = 0; i < 200 && !err().contains("reload refused"); i++) {
        Thread.sleep(50);
      }
    } finally {
      run.join();
    }
    String text = out();
    assertTrue(text.contains("ipvsadm -a -t 192.0.2.1:80 -r 127.0.0.2:8080 -m -w 1"), text);
    assertEquals(1, text.lines().filter(l -> l.contains(" VRRP VI_1 ")).count(), "no VRRP state change on reload:\n" + text);
    assertTrue(err().contains("lb_algo must be one of"), err());
    assertTrue(err().contains("reload refused (1 errors); the running configuration stays"), err());
    assertTrue(text.lines().anyMatch(l -> l.startsWith("  -> 127.0.0.2:8080")), text);
  }
}
