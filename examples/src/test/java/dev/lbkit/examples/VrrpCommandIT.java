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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code bin/lbkit vrrp} end to end against a real keepalived in network namespaces of the project's lab script: it
 * preempts keepalived, prints one JSON line per state change, and on SIGTERM resigns, removes its VIP and exits 0;
 * --no-preempt, --preempt-delay, --unicast-peer with --version 2 (checked on the wire), and a --config file with a
 * sync group beside keepalived's vrrp_sync_group. Needs root and keepalived (.ci/install).
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
    return awaitOwner(vip, expected, 6_000);
  }

  /** Polls {@code lab vip-owner} until exactly {@code expected} holds the VIP or {@code timeoutMs} passed. */
  private static String awaitOwner(String vip, String expected, long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    String owners = lab("vip-owner", vip);
    while (!owners.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      owners = lab("vip-owner", vip);
    }
    return owners;
  }

  /** keepalived's log in namespace {@code ns} once it holds {@code line}, or as it is after 10 s (a loaded host). */
  private static String awaitLog(String ns, String line) throws Exception {
    Path file = Path.of("/tmp/vrrp-lab-" + PREFIX, ns, "keepalived.log");
    String log = "";
    for (int i = 0; i < 1000 && !log.contains(line); i++) {
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
    try (Lbkit lbkit = new Lbkit(PREFIX + "2", "--interface", "eth0", "--vrid", "51", "--priority", "150", "--vip",
        "10.98.0.100/24", "--version", "3", "--advert-int", "0.1", "--name", "web")) {
      assertEquals(PREFIX + "2", awaitOwner("10.98.0.100", PREFIX + "2"), "lbkit (150) preempts keepalived (100)");
      assertEquals(0, lbkit.terminate());
      assertEquals(PREFIX + "1", awaitOwner("10.98.0.100", PREFIX + "1"),
          "keepalived takes over, lbkit's VIP is gone");
      // it resigned (RFC 5798 6.4.3: a priority-0 advertisement) rather than just falling silent
      String log = awaitLog(PREFIX + "1", "Backup received priority 0 advertisement");
      assertTrue(log.contains("Backup received priority 0 advertisement"), log);
      List<String> lines = lbkit.lines();
      assertEquals(3, lines.size(), lines.toString());
      assertTrue(lines.get(0).matches("\\{\"time\":\"[^\"]+\",\"instance\":\"web\",\"vrid\":51,"
          + "\"from\":\"INITIALIZE\",\"to\":\"BACKUP\",\"reason\":\"startup\"}"), lines.get(0));
      assertTrue(lines.get(1).contains("\"from\":\"BACKUP\",\"to\":\"MASTER\""), lines.get(1));
      assertTrue(lines.get(2).contains("\"from\":\"MASTER\",\"to\":\"INITIALIZE\""), lines.get(2));
    } finally {
      lab("stop", PREFIX + "1");
    }
  }

  @Test
  void authTypeAh_preemptsKeepalivedWithAh_andResigns() throws Exception {
    lab("keepalived", PREFIX + "1", "--priority", "100", "--vrid", "52", "--vip", "10.98.0.101/24", "--auth-pass",
        "secret12", "--auth-type", "AH");
    assertEquals(PREFIX + "1", awaitOwner("10.98.0.101", PREFIX + "1"));
    try (Lbkit lbkit = new Lbkit(PREFIX + "2", "--interface", "eth0", "--vrid", "52", "--priority", "150", "--vip",
        "10.98.0.101/24", "--auth-pass", "secret12", "--auth-type", "ah")) {
      // keepalived hears lbkit's IPsec-AH adverts (priority 150, after lbkit's 3.6 s Master_Down_Interval)
      assertEquals(PREFIX + "2", awaitOwner("10.98.0.101", PREFIX + "2"), "lbkit (150) preempts keepalived (100)");
      String log = Files.readString(Path.of("/tmp/vrrp-lab-" + PREFIX, PREFIX + "1", "keepalived.log"));
      assertTrue(log.contains("higher priority 150"), log);
      // SIGTERM: a priority-0 advert keepalived must authenticate to take over at once
      assertEquals(0, lbkit.terminate());
      assertEquals(PREFIX + "1", awaitOwner("10.98.0.101", PREFIX + "1"));
    } finally {
      lab("stop", PREFIX + "1");
    }
  }

  /**
   * {@code bin/lbkit vrrp} as users start it (the packaged jar through the script), in a lab namespace: its stdout
   * lines collected as they come, stderr in a file for the failure message.
   */
  private static final class Lbkit implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final List<String> lines = new ArrayList<>();

    Lbkit(String ns, String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
          LAB.getParent().getParent().getParent().resolve("bin/lbkit").toString(), "vrrp"));
      cmd.addAll(List.of(args));
      stderr = Files.createTempFile("lbkit-vrrp", ".err");
      process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
      process.getOutputStream().close();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
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
      }, "lbkit-vrrp-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    /** The first stdout line matching {@code regex}, waiting up to {@code timeoutMs}. */
    String await(String regex, long timeoutMs) throws Exception {
      long deadline = System.nanoTime() + timeoutMs * 1_000_000;
      while (true) {
        for (String l : lines()) {
          if (l.matches(regex)) {
            return l;
          }
        }
        if (System.nanoTime() > deadline || !process.isAlive()) {
          return fail("lbkit vrrp printed no line matching " + regex + " in " + timeoutMs + " ms; stdout " + lines()
              + ", stderr " + Files.readString(stderr));
        }
        Thread.sleep(10);
      }
    }

    /** SIGTERM (by the PID we started: ip netns exec and the script exec java), then the exit status. */
    int terminate() throws Exception {
      process.toHandle().destroy();
      assertTrue(process.waitFor(15, TimeUnit.SECONDS), "lbkit vrrp still runs 15 s after SIGTERM");
      // the reader has the last lines once the stream ends
      Thread.sleep(100);
      return process.exitValue();
    }

    @Override
    public void close() throws IOException {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(stderr);
    }
  }

  /** The JSON line's {@code "time"} as an instant. */
  private static Instant time(String jsonLine) {
    Matcher m = Pattern.compile("\"time\":\"([^\"]+)\"").matcher(jsonLine);
    assertTrue(m.find(), jsonLine);
    return Instant.parse(m.group(1));
  }

  private static String transition(String instance, String from, String to) {
    return "\\{\"time\":\"[^\"]+\",\"instance\":\"" + instance + "\",\"vrid\":\\d+,\"from\":\"" + from + "\",\"to\":\""
        + to + "\",\"reason\":\"[^\"]*\"}";
  }

  @Test
  void noPreempt_aHigherPriorityJoiningAKeepalivedMaster_staysBackup() throws Exception {
    lab("keepalived", PREFIX + "1", "--priority", "100", "--vrid", "53", "--vip", "10.98.0.102/24", "--version", "3",
        "--advert-int", "0.1");
    assertEquals(PREFIX + "1", awaitOwner("10.98.0.102", PREFIX + "1"));
    try (Lbkit lbkit = new Lbkit(PREFIX + "2", "--interface", "eth0", "--vrid", "53", "--priority", "150", "--vip",
        "10.98.0.102/24", "--version", "3", "--advert-int", "0.1", "--no-preempt")) {
      lbkit.await(transition("VI_1", "INITIALIZE", "BACKUP"), 20_000);
      // four of lbkit's Master_Down_Intervals (0.34 s): with preemption it would have taken over by now
      Thread.sleep(1_500);
      assertEquals(PREFIX + "1", lab("vip-owner", "10.98.0.102"), "keepalived (100) stays Master");
      assertEquals(1, lbkit.lines().size(), lbkit.lines().toString());
      // it is a working Backup: when keepalived crashes it takes over
      lab("kill", PREFIX + "1");
      lbkit.await(transition("VI_1", "BACKUP", "MASTER"), 2_000);
      assertEquals(PREFIX + "2", awaitOwner("10.98.0.102", PREFIX + "2"));
      assertEquals(0, lbkit.terminate());
      assertEquals("", lab("vip-owner", "10.98.0.102"), "lbkit removed its VIP");
    }
  }

  @Test
  void preemptDelay_takesOverOnlyAfterTheDelay() throws Exception {
    lab("keepalived", PREFIX + "1", "--priority", "100", "--vrid", "54", "--vip", "10.98.0.103/24", "--version", "3",
        "--advert-int", "0.1");
    assertEquals(PREFIX + "1", awaitOwner("10.98.0.103", PREFIX + "1"));
    try (Lbkit lbkit = new Lbkit(PREFIX + "2", "--interface", "eth0", "--vrid", "54", "--priority", "150", "--vip",
        "10.98.0.103/24", "--version", "3", "--advert-int", "0.1", "--preempt-delay", "2")) {
      Instant backup = time(lbkit.await(transition("VI_1", "INITIALIZE", "BACKUP"), 20_000));
      Instant master = time(lbkit.await(transition("VI_1", "BACKUP", "MASTER"), 5_000));
      // not before the 2 s delay; then it stops accepting keepalived's lower adverts and takes over when its
      // master-down timer runs out (at most 0.34 s later), plus a margin for a loaded host
      long ms = Duration.between(backup, master).toMillis();
      assertTrue(ms >= 2_000 && ms <= 3_300, "took over " + ms + " ms after start, --preempt-delay 2");
      assertEquals(PREFIX + "2", awaitOwner("10.98.0.103", PREFIX + "2"));
      String log = awaitLog(PREFIX + "1", "higher priority 150");
      assertTrue(log.contains("higher priority 150"), log);
      assertEquals(0, lbkit.terminate());
      assertEquals(PREFIX + "1", awaitOwner("10.98.0.103", PREFIX + "1"));
    } finally {
      lab("stop", PREFIX + "1");
    }
  }

  @Test
  void unicastPeerAndVersion2_unicastAdvertsOnly_keepalivedAcceptsThem() throws Exception {
    Path pcap = Files.createTempFile("lbkit-vrrp-unicast", ".pcap");
    Path capErr = Files.createTempFile("lbkit-vrrp-unicast", ".err");
    // on lbkit's own eth0: it sees all lbkit sends. (The bridge device would not: the bridge forwards a unicast
    // frame to a learned MAC from port to port, past br0.) --immediate-mode: without it the kernel hands packets over
    // in blocks, and those of the last block before SIGTERM (lbkit's priority 0 in one run) were never written
    Process capture = new ProcessBuilder("ip", "netns", "exec", PREFIX + "2", "tcpdump", "-i", "eth0", "-U", "-n",
        "--immediate-mode", "-w", pcap.toString(), "ip proto 112").redirectErrorStream(true)
        .redirectOutput(capErr.toFile()).start();
    try {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!Files.readString(capErr).contains("listening on") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.readString(capErr).contains("listening on"), Files.readString(capErr));
      // keepalived: VRRPv2 at 1 s, unicast_src_ip 10.98.0.1, unicast_peer 10.98.0.2
      lab("keepalived", PREFIX + "1", "--priority", "100", "--vrid", "55", "--vip", "10.98.0.104/24", "--version", "2",
          "--advert-int", "1", "--unicast-peer", "10.98.0.2");
      assertEquals(PREFIX + "1", awaitOwner("10.98.0.104", PREFIX + "1", 8_000));
      try (Lbkit lbkit = new Lbkit(PREFIX + "2", "--interface", "eth0", "--vrid", "55", "--priority", "150", "--vip",
          "10.98.0.104/24", "--version", "2", "--advert-int", "1", "--unicast-peer", "10.98.0.1")) {
        // lbkit (150) preempts keepalived (100) after its v2 Master_Down_Interval (3.41 s): keepalived heard it
        lbkit.await(transition("VI_1", "BACKUP", "MASTER"), 25_000);
        assertEquals(PREFIX + "2", awaitOwner("10.98.0.104", PREFIX + "2"));
        String log = awaitLog(PREFIX + "1", "higher priority 150");
        assertTrue(log.contains("higher priority 150"), log);
        // a few of lbkit's 1 s adverts on the wire; keepalived stays Backup behind them
        Thread.sleep(2_500);
        assertEquals(PREFIX + "2", lab("vip-owner", "10.98.0.104"));
        assertEquals(0, lbkit.terminate());
        assertEquals(PREFIX + "1", awaitOwner("10.98.0.104", PREFIX + "1"));
        log = awaitLog(PREFIX + "1", "Backup received priority 0 advertisement");
        assertTrue(log.contains("Backup received priority 0 advertisement"), log);
      }
    } finally {
      capture.destroy(); // SIGTERM by the PID we started: tcpdump flushes and ends
      capture.waitFor(5, TimeUnit.SECONDS);
      lab("stop", PREFIX + "1");
    }
    Process read = new ProcessBuilder("tcpdump", "-r", pcap.toString(), "-n").redirectErrorStream(true).start();
    List<String> packets = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("VRRP")).toList();
    read.waitFor(10, TimeUnit.SECONDS);
    Files.deleteIfExists(pcap);
    Files.deleteIfExists(capErr);
    // e.g. "04:31:02.123 IP 10.98.0.2 > 10.98.0.1: VRRPv2, Advertisement, vrid 55, prio 150, authtype none, ..."
    List<String> fromLbkit = packets.stream().filter(l -> l.contains(" IP 10.98.0.2 > ")).toList();
    assertTrue(fromLbkit.size() >= 4, packets.toString());
    String unicastV2 = " IP 10.98.0.2 > 10.98.0.1: VRRPv2, Advertisement, vrid 55,";
    assertTrue(fromLbkit.stream().allMatch(l -> l.contains(unicastV2)),
        "lbkit sent VRRPv2 to its unicast peer only: " + fromLbkit);
    assertTrue(fromLbkit.stream().anyMatch(l -> l.contains(", prio 150,"))
        && fromLbkit.get(fromLbkit.size() - 1).contains(", prio 0,"), fromLbkit.toString());
    assertTrue(packets.stream().noneMatch(l -> l.contains("224.0.0.18")), "no multicast advert: " + packets);
    assertTrue(packets.stream().anyMatch(l -> l.contains(" IP 10.98.0.1 > 10.98.0.2: VRRPv2, Advertisement, vrid 55,")),
        "keepalived's unicast adverts reach lbkit: " + packets);
  }

  @Test
  void configFileWithASyncGroup_bothInstancesChangeTogether_andResignOnSigterm() throws Exception {
    Path kconf = Files.createTempFile("keepalived-sync", ".conf");
    StringBuilder k = new StringBuilder("global_defs {\n  router_id k\n  vrrp_version 3\n}\n"
        + "vrrp_sync_group G {\n  group {\n    VI_56\n    VI_57\n  }\n}\n");
    for (int vrid : new int[] {56, 57}) {
      k.append("vrrp_instance VI_").append(vrid).append(" {\n  state BACKUP\n  interface eth0\n  virtual_router_id ")
          .append(vrid).append("\n  priority 100\n  advert_int 0.1\n  virtual_ipaddress {\n    10.98.0.")
          .append(vrid + 50).append("/24 dev eth0\n  }\n}\n");
    }
    Files.writeString(kconf, k);
    Path conf = Files.createTempFile("lbkit-vrrp", ".conf");
    String common = " --interface eth0 --priority 150 --version 3 --advert-int 0.1";
    Files.writeString(conf, String.join("\n",
        "# two instances that fail over together",
        "instance --name web --vrid 56 --vip 10.98.0.106/24" + common,
        "instance --name db --vrid 57 --vip 10.98.0.107/24" + common,
        "sync-group web db", ""));
    try {
      lab("keepalived", PREFIX + "1", "--config", kconf.toString());
      assertEquals(PREFIX + "1", awaitOwner("10.98.0.106", PREFIX + "1"));
      assertEquals(PREFIX + "1", awaitOwner("10.98.0.107", PREFIX + "1"));
      try (Lbkit lbkit = new Lbkit(PREFIX + "2", "--config", conf.toString())) {
        // lbkit (150) preempts both: the first master-down timer to run out takes its group partner along
        String web = lbkit.await(transition("web", "BACKUP", "MASTER"), 20_000);
        String db = lbkit.await(transition("db", "BACKUP", "MASTER"), 1_000);
        assertTrue(web.contains("\"reason\":\"sync group: db became MASTER\"")
            || db.contains("\"reason\":\"sync group: web became MASTER\""), web + "\n" + db);
        assertTrue(Math.abs(Duration.between(time(web), time(db)).toMillis()) < 50, web + "\n" + db);
        assertEquals(PREFIX + "2", awaitOwner("10.98.0.106", PREFIX + "2"));
        assertEquals(PREFIX + "2", awaitOwner("10.98.0.107", PREFIX + "2"));
        // SIGTERM: both resign with priority 0 and remove their VIPs; keepalived takes both at once; exit 0
        assertEquals(0, lbkit.terminate());
        assertEquals(PREFIX + "1", awaitOwner("10.98.0.106", PREFIX + "1"));
        assertEquals(PREFIX + "1", awaitOwner("10.98.0.107", PREFIX + "1"));
        String log = awaitLog(PREFIX + "1", "(VI_57) Backup received priority 0 advertisement");
        assertTrue(log.contains("(VI_56) Backup received priority 0 advertisement")
            && log.contains("(VI_57) Backup received priority 0 advertisement"), log);
        List<String> lines = lbkit.lines();
        assertEquals(6, lines.size(), lines.toString());
        for (String name : List.of("web", "db")) {
          for (String[] t : new String[][] {{"INITIALIZE", "BACKUP"}, {"BACKUP", "MASTER"}, {"MASTER", "INITIALIZE"}}) {
            assertEquals(1, lines.stream().filter(l -> l.matches(transition(name, t[0], t[1]))).count(),
                name + " " + t[0] + " -> " + t[1] + " once: " + lines);
          }
        }
      }
    } finally {
      lab("stop", PREFIX + "1");
      Files.deleteIfExists(conf);
      Files.deleteIfExists(kconf);
    }
  }
}
