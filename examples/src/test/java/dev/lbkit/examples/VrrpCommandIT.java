package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code lbkit vrrp} end to end against a real keepalived in network namespaces of the project's lab script: it
 * preempts keepalived, prints one JSON line per state change, and on SIGTERM resigns, removes its VIP and exits 0.
 * Needs root and keepalived (.ci/install).
 */
@Isolated // VRRP timing against keepalived: never beside the kernel-lab VMs (pom.xml)
final class VrrpCommandIT {
  /** The JVM's pid keeps concurrent builds on one machine apart; the letter keeps prefixes from matching others. */
  private static final String PREFIX = "lbvx" + ProcessHandle.current().pid() + "r";
  private static final Path LAB = Path.of("").toAbsolutePath().getParent().resolve("lab/vrrp/vrrp-lab");

  private static String lab(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LAB.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("VRRP_LAB_PREFIX", PREFIX);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    if (p.exitValue() != 0 && !args[0].equals("vip-owner")) {
      fail("lab " + String.join(" ", args) + ": " + out);
    }
    return out.strip();
  }

  @BeforeAll
  static void up() throws Exception {
    if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/sbin/keepalived"))) {
      fail("needs root and keepalived (.ci/install installs it)");
    }
    lab("down");
    lab("up", "2");
  }

  @AfterAll
  static void down() throws Exception {
    lab("down");
  }

  private static String awaitOwner(String vip, String expected) throws Exception {
    String owners = "";
    for (int i = 0; i < 300 && !owners.equals(expected); i++) {
      owners = lab("vip-owner", vip);
      Thread.sleep(10);
    }
    return owners;
  }

  /** keepalived's log in namespace {@code ns} once it holds {@code line}, or as it is after 3 s. */
  private static String awaitLog(String ns, String line) throws Exception {
    Path file = Path.of("/tmp/vrrp-lab-" + PREFIX, ns, "keepalived.log");
    String log = "";
    for (int i = 0; i < 300 && !log.contains(line); i++) {
      log = Files.exists(file) ? Files.readString(file) : "";
      Thread.sleep(10);
    }
    return log;
  }

  @Test
  void preemptsKeepalived_printsJson_andResignsOnSigterm() throws Exception {
    lab("keepalived", PREFIX + "1", "--priority", "100", "--vrid", "51", "--vip", "10.98.0.100/24", "--version", "3",
        "--advert-int", "0.1");
    assertEquals(PREFIX + "1", awaitOwner("10.98.0.100", PREFIX + "1"));
    Process lbkit = new ProcessBuilder("ip", "netns", "exec", PREFIX + "2",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "vrrp", "--interface", "eth0", "--vrid", "51",
        "--priority", "150", "--vip", "10.98.0.100/24", "--version", "3", "--advert-int", "0.1", "--name", "web")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(lbkit.getInputStream(),
          StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(l);
          }
        }
      } catch (IOException e) {
        // the stream ends with the process
      }
    });
    reader.start();
    try {
      assertEquals(PREFIX + "2", awaitOwner("10.98.0.100", PREFIX + "2"), "lbkit (150) preempts keepalived (100)");
      lbkit.toHandle().destroy(); // SIGTERM, by the PID we started (ip netns exec execs java)
      assertTrue(lbkit.waitFor(15, TimeUnit.SECONDS));
      assertEquals(0, lbkit.exitValue());
      assertEquals(PREFIX + "1", awaitOwner("10.98.0.100", PREFIX + "1"),
          "keepalived takes over, lbkit's VIP is gone");
      // it resigned (RFC 5798 6.4.3: a priority-0 advertisement) rather than just falling silent
      String log = awaitLog(PREFIX + "1", "Backup received priority 0 advertisement");
      assertTrue(log.contains("Backup received priority 0 advertisement"), log);
      reader.join(5_000);
      synchronized (lines) {
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\{\"time\":\"[^\"]+\",\"instance\":\"web\",\"vrid\":51,"
            + "\"from\":\"INITIALIZE\",\"to\":\"BACKUP\",\"reason\":\"startup\"}"), lines.get(0));
        assertTrue(lines.get(1).contains("\"from\":\"BACKUP\",\"to\":\"MASTER\""), lines.get(1));
        assertTrue(lines.get(2).contains("\"from\":\"MASTER\",\"to\":\"INITIALIZE\""), lines.get(2));
      }
    } finally {
      if (lbkit.isAlive()) {
        lbkit.destroyForcibly();
      }
      lab("stop", PREFIX + "1");
    }
  }

  @Test
  void authTypeAh_preemptsKeepalivedWithAh_andResigns() throws Exception {
    lab("keepalived", PREFIX + "1", "--priority", "100", "--vrid", "52", "--vip", "10.98.0.101/24", "--auth-pass",
        "secret12", "--auth-type", "AH");
    assertEquals(PREFIX + "1", awaitOwner("10.98.0.101", PREFIX + "1"));
    Process lbkit = new ProcessBuilder("ip", "netns", "exec", PREFIX + "2",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "vrrp", "--interface", "eth0", "--vrid", "52",
        "--priority", "150", "--vip", "10.98.0.101/24", "--auth-pass", "secret12", "--auth-type", "ah")
        .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      // keepalived hears lbkit's IPsec-AH adverts (priority 150, after lbkit's 3.6 s Master_Down_Interval)
      assertEquals(PREFIX + "2", awaitOwner("10.98.0.101", PREFIX + "2"), "lbkit (150) preempts keepalived (100)");
      String log = Files.readString(Path.of("/tmp/vrrp-lab-" + PREFIX, PREFIX + "1", "keepalived.log"));
      assertTrue(log.contains("higher priority 150"), log);
      lbkit.toHandle().destroy(); // SIGTERM: a priority-0 advert keepalived must authenticate to take over at once
      assertTrue(lbkit.waitFor(15, TimeUnit.SECONDS));
      assertEquals(0, lbkit.exitValue());
      assertEquals(PREFIX + "1", awaitOwner("10.98.0.101", PREFIX + "1"));
    } finally {
      if (lbkit.isAlive()) {
        lbkit.destroyForcibly();
      }
      lab("stop", PREFIX + "1");
    }
  }
}
