package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.vrrp.VrrpConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lbkit vrrp}'s keepalived gratuitous ARP options, on the command line and in a --config file. */
final class VrrpGarpOptionsTest {
  private static final List<String> BASE = List.of("--interface", "eth0", "--vrid", "51", "--vip", "10.0.0.100/24");

  private static VrrpConfig parse(String... more) throws UsageException {
    List<String> args = new ArrayList<>(BASE);
    args.addAll(List.of(more));
    return VrrpCommand.parseInstance(args, "VI_1");
  }

  @Test
  void everyOption_setsItsSetting() throws Exception {
    VrrpConfig c = parse("--garp-master-repeat", "3", "--garp-master-delay", "2", "--garp-master-refresh", "60",
        "--garp-master-refresh-repeat", "2", "--garp-lower-prio-repeat", "0", "--garp-lower-prio-delay", "0.5",
        "--garp-interval", "0.001", "--gna-interval", "0.25", "--lower-prio-no-advert");
    assertEquals(3, c.garpRepeat());
    assertEquals(Duration.ofSeconds(2), c.garpDelay());
    assertEquals(Duration.ofSeconds(60), c.garpRefresh());
    assertEquals(2, c.garpRefreshRepeat());
    assertEquals(0, c.garpLowerPrioRepeat());
    assertEquals(Duration.ofMillis(500), c.garpLowerPrioDelay());
    assertEquals(Duration.ofMillis(1), c.garpInterval());
    assertEquals(Duration.ofMillis(250), c.gnaInterval());
    assertEquals(true, c.lowerPrioNoAdvert());
    VrrpConfig d = parse();
    assertEquals(5, d.garpLowerPrioRepeat());
    assertEquals(false, d.lowerPrioNoAdvert());
  }

  @Test
  void badValues_areUsageErrorsNamingTheProblem() {
    assertEquals("garp refresh repeat must be in [1, 100] but was 0 (instance VI_1)",
        assertThrows(UsageException.class, () -> parse("--garp-master-refresh-repeat", "0")).getMessage());
    assertEquals("--garp-interval must not be negative but was -1",
        assertThrows(UsageException.class, () -> parse("--garp-interval", "-1")).getMessage());
    assertEquals("--garp-master-repeat must be a whole number but was 'many'",
        assertThrows(UsageException.class, () -> parse("--garp-master-repeat", "many")).getMessage());
    assertEquals("--garp-lower-prio-delay is given twice", assertThrows(UsageException.class,
        () -> parse("--garp-lower-prio-delay", "1", "--garp-lower-prio-delay", "2")).getMessage());
    assertEquals("--gna-interval needs a value",
        assertThrows(UsageException.class, () -> parse("--gna-interval")).getMessage());
  }

  @Test
  void configFile_takesTheSameOptions(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("vrrp.conf");
    Files.writeString(f, "instance --name A --interface eth0 --vrid 51 --vip 10.0.0.100/24 --garp-master-refresh 30"
        + " --garp-interval 0.2 # comment\n", StandardCharsets.UTF_8);
    List<VrrpConfig> configs = new ArrayList<>();
    VrrpCommand.readConfig(f, configs, new ArrayList<>());
    assertEquals(Duration.ofSeconds(30), configs.get(0).garpRefresh());
    assertEquals(Duration.ofMillis(200), configs.get(0).garpInterval());
  }
}
