package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import dev.lbkit.vrrp.VrrpConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lbkit vrrp}: option parsing, config files and the JSON line; the real run is in lb-vrrp's ITs. */
final class VrrpCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void parse_allOptions() throws Exception {
    VrrpConfig c = VrrpCommand.parseInstance(List.of("--interface", "eth0", "--vrid", "51", "--priority", "150",
        "--vip", "10.0.0.100/24", "--vip", "10.0.0.101/24", "--advert-int", "0.1", "--version", "3",
        "--no-preempt", "--preempt-delay", "2.5", "--unicast-peer", "10.0.0.2", "--name", "web"), "VI_1");
    assertEquals("web", c.name());
    assertEquals(51, c.vrid());
    assertEquals(150, c.priority());
    assertEquals(2, c.virtualAddresses().size());
    assertEquals(Duration.ofMillis(100), c.advertInterval());
    assertEquals(Duration.ofMillis(2500), c.preemptDelay());
    assertEquals(false, c.preempt());
    assertEquals("10.0.0.2", c.unicastPeers().get(0).getHostAddress());
    assertEquals(true, c.acceptMode(), "accept mode by default, as keepalived without vrrp_strict");
  }

  @Test
  void parse_noAcceptTurnsAcceptModeOff() throws Exception {
    VrrpConfig c = VrrpCommand.parseInstance(List.of("--interface", "eth0", "--vrid", "51", "--vip",
        "10.0.0.100/24", "--no-accept"), "VI_1");
    assertEquals(false, c.acceptMode());
    assertEquals(true, VrrpCommand.parseInstance(List.of("--interface", "eth0", "--vrid", "51", "--vip",
        "10.0.0.100/24", "--no-accept", "--accept"), "VI_1").acceptMode(), "the last flag wins");
  }

  @Test
  void parse_authTypeAh() throws Exception {
    VrrpConfig c = VrrpCommand.parseInstance(List.of("--interface", "eth0", "--vrid", "51", "--vip",
        "10.0.0.100/24", "--auth-pass", "secret12", "--auth-type", "ah"), "VI_1");
    assertEquals(VrrpConfig.AuthType.AH, c.authType());
    assertEquals("secret12", c.authPassword().orElseThrow());
    assertEquals(VrrpConfig.AuthType.PASS, VrrpCommand.parseInstance(List.of("--interface", "eth0", "--vrid", "51",
        "--vip", "10.0.0.100/24", "--auth-pass", "secret12"), "VI_1").authType(), "a password alone is PASS");
  }

  @Test
  void parse_authTypeAhWithoutPasswordOrWithV3_isAUsageErrorNamingTheRule() {
    UsageException noPass = assertThrows(UsageException.class, () -> VrrpCommand.parseInstance(List.of(
        "--interface", "eth0", "--vrid", "51", "--vip", "10.0.0.100/24", "--auth-type", "ah"), "VI_1"));
    assertTrue(noPass.getMessage().contains("auth type AH needs an auth password"), noPass.getMessage());
    UsageException v3 = assertThrows(UsageException.class, () -> VrrpCommand.parseInstance(List.of(
        "--interface", "eth0", "--vrid", "51", "--vip", "10.0.0.100/24", "--version", "3", "--auth-pass", "x",
        "--auth-type", "ah"), "VI_1"));
    assertTrue(v3.getMessage().contains("VRRPv3 has no authentication"), v3.getMessage());
    UsageException bad = assertThrows(UsageException.class, () -> VrrpCommand.parseInstance(List.of(
        "--interface", "eth0", "--vrid", "51", "--vip", "10.0.0.100/24", "--auth-type", "md5"), "VI_1"));
    assertTrue(bad.getMessage().contains("--auth-type must be pass, ah or none"), bad.getMessage());
  }

  @Test
  void parse_v2SubSecondIntervalIsAUsageErrorNamingTheRule() {
    UsageException e = assertThrows(UsageException.class, () -> VrrpCommand.parseInstance(List.of("--interface",
        "eth0", "--vrid", "51", "--vip", "10.0.0.100/24", "--advert-int", "0.1"), "VI_1"));
    assertTrue(e.getMessage().contains("VRRPv2 advertisement interval must be whole seconds"), e.getMessage());
  }

  @Test
  void run_unknownOptionExitsTwo() {
    assertEquals(2, run("vrrp", "--interface", "eth0", "--vrid", "1", "--vip", "10.0.0.1", "--frob"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '--frob'"));
  }

  @Test
  void run_missingInterfaceExitsTwo() {
    assertEquals(2, run("vrrp", "--vrid", "1", "--vip", "10.0.0.1"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--interface and --vrid are required"));
  }

  @Test
  void run_badVipExitsTwo() {
    assertEquals(2, run("vrrp", "--interface", "eth0", "--vrid", "1", "--vip", "example.com"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("numeric IP address"), err.toString());
  }

  @Test
  void parse_unicastPeerMustBeAFullNumericAddress() {
    // InetAddress.getByName read "1.2.3" as 1.2.0.3 and "10" as 0.0.0.10, and sent advertisements there
    for (String peer : List.of("1.2.3", "10", "1.2.3.4.5", "256.1.1.1", "fe80::1::2")) {
      UsageException e = assertThrows(UsageException.class, () -> VrrpCommand.parseInstance(List.of("--interface",
          "eth0", "--vrid", "51", "--vip", "10.0.0.100/24", "--unicast-peer", peer), "VI_1"), peer);
      assertEquals("--unicast-peer must be a numeric IP address but was '" + peer + "'", e.getMessage());
    }
  }

  @Test
  void parse_optionGivenTwice_isAUsageError() {
    // the last --vrid won without a word: a copied line with one changed value ran the old one's VRID
    UsageException twice = assertThrows(UsageException.class, () -> VrrpCommand.parseInstance(List.of("--interface",
        "eth0", "--vrid", "51", "--vip", "10.0.0.100/24", "--vrid", "52"), "VI_1"));
    assertEquals("--vrid is given twice", twice.getMessage());
    UsageException name = assertThrows(UsageException.class, () -> VrrpCommand.parseInstance(List.of("--interface",
        "eth0", "--vrid", "51", "--vip", "10.0.0.100/24", "--priority", "100", "--priority", "90"), "VI_1"));
    assertEquals("--priority is given twice", name.getMessage());
  }

  @Test
  void parse_vipAndUnicastPeerRepeat() throws Exception {
    VrrpConfig c = VrrpCommand.parseInstance(List.of("--interface", "eth0", "--vrid", "51", "--vip", "10.0.0.100/24",
        "--vip", "10.0.0.101/24", "--unicast-peer", "10.0.0.2", "--unicast-peer", "10.0.0.3"), "VI_1");
    assertEquals(2, c.virtualAddresses().size());
    assertEquals(2, c.unicastPeers().size());
  }

  @Test
  void configFile_missing_saysSo(@TempDir Path dir) {
    assertEquals(1, run("vrrp", "--config", dir.resolve("absent.conf").toString()));
    // the message was the path alone: "lbkit vrrp: /tmp/.../absent.conf"
    assertEquals("lbkit vrrp: cannot read " + dir.resolve("absent.conf") + ": no such file\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void configFile_largerThanTheLimit_isRefusedNamingFileAndLimit_beforeAnyInstance(@TempDir Path dir)
      throws Exception {
    // a good instance line, then a sparse tail past 32 MiB (the length set, no bytes written)
    Path f = dir.resolve("big.conf");
    Files.writeString(f, "instance --name A --interface eth0 --vrid 1 --vip 10.0.0.1/24\n");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(VrrpCommand.MAX_CONFIG_BYTES + 1L);
    }
    assertEquals(1, run("vrrp", "--config", f.toString()));
    assertEquals("lbkit vrrp: cannot read " + f + ": larger than 32 MiB, more than any configuration needs\n",
        err.toString(StandardCharsets.UTF_8));
    assertEquals("", out.toString(StandardCharsets.UTF_8), "no instance ran, so no state line");
  }

  @Test
  void configFile_notUtf8_saysSo(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("latin1.conf");
    Files.write(f, "# caf\u00e9\ninstance --interface eth0 --vrid 1 --vip 10.0.0.1/24\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(1, run("vrrp", "--config", f.toString()));
    assertEquals("lbkit vrrp: cannot read " + f + ": not UTF-8 text\n", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void help_showsUsage() {
    assertEquals(0, run("vrrp", "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--unicast-peer"));
  }

  @Test
  void configFile_unknownLineNamesFileAndLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("vrrp.conf");
    Files.writeString(f, "# two instances\ninstance --name A --interface eth0 --vrid 1 --vip 10.0.0.1/24\n"
        + "bogus line\n");
    assertEquals(2, run("vrrp", "--config", f.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("vrrp.conf:3: expected 'instance OPTIONS'"),
        err.toString());
  }

  @Test
  void configFile_instancesWithCommentsAndASyncGroup_areReadInOrder(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("vrrp.conf");
    Files.writeString(f, String.join("\n",
        "# two instances that move together",
        "instance --name ext --interface eth0 --vrid 51 --priority 150 --vip 10.0.0.100/24 --version 3"
            + " --advert-int 0.1  # the outside",
        "",
        "instance --interface eth1 --vrid 52 --vip 10.1.0.100/24 --vip 10.1.0.101/24 --no-preempt",
        "sync-group ext VI_2", ""));
    List<VrrpConfig> configs = new java.util.ArrayList<>();
    List<List<String>> groups = new java.util.ArrayList<>();
    VrrpCommand.readConfig(f, configs, groups);
    assertEquals(List.of("ext", "VI_2"), configs.stream().map(VrrpConfig::name).toList(),
        "an unnamed instance is named after its position");
    assertEquals("eth0", configs.get(0).interfaceName());
    assertEquals(150, configs.get(0).priority());
    assertEquals(Duration.ofMillis(100), configs.get(0).advertInterval());
    assertEquals("eth1", configs.get(1).interfaceName());
    assertEquals(52, configs.get(1).vrid());
    assertEquals(2, configs.get(1).virtualAddresses().size());
    assertEquals(false, configs.get(1).preempt());
    assertEquals(List.of(List.of("ext", "VI_2")), groups);
  }

  @Test
  void configFile_syncGroupNamingUnknownInstanceIsAUsageError(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("vrrp.conf");
    Files.writeString(f, "instance --name A --interface eth0 --vrid 1 --vip 10.0.0.1/24\nsync-group A B\n");
    assertEquals(2, run("vrrp", "--config", f.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("names unknown instance 'B'"), err.toString());
  }

  @Test
  void json_escapesAndCarriesEveryField() {
    String line = VrrpCommand.json(new VrrpStateChanged(Instant.parse("2026-11-26T05:00:00Z"), "VI \"1\"", 51,
        VrrpState.BACKUP, VrrpState.MASTER, "master down\ttimer"));
    assertEquals("{\"time\":\"2026-11-26T05:00:00Z\",\"instance\":\"VI \\\"1\\\"\",\"vrid\":51,\"from\":\"BACKUP\","
        + "\"to\":\"MASTER\",\"reason\":\"master down\\ttimer\"}", line);
  }
}
