package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Linux edge's errors as an operator meets them: a missing interface, and a process without CAP_NET_RAW or
 * without CAP_NET_ADMIN (root with the capability dropped from its bounding set by setpriv). Each fails at start with
 * one clear line and exit status 1.
 */
final class LinuxErrorsIT {
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbve", 1);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  private static String error(Node node) {
    assertEquals(1, node.awaitExit(20_000), node.output().toString());
    return node.output().stream().filter(l -> l.startsWith("ERROR ")).findFirst().orElseThrow();
  }

  @Test
  void unknownInterface() {
    Node node = lab.node(1, "interface=eth7", "vrid=1", "vip=10.98.0.150/24");
    assertEquals("ERROR interface 'eth7' does not exist (ip link show lists the interfaces of this network "
        + "namespace)", error(node));
  }

  @Test
  void withoutCapNetRaw() {
    Node node = lab.nodeVia(1, List.of("setpriv", "--bounding-set", "-net_raw", "--inh-caps", "-net_raw"),
        "vrid=1", "vip=10.98.0.150/24");
    assertEquals("ERROR open raw socket for VRRP (IP protocol 112, IPV4) on eth0: operation not permitted (EPERM) "
        + "(raw sockets need CAP_NET_RAW: run as root or grant the capability)", error(node));
  }

  @Test
  void withoutCapNetAdmin() {
    Node node = lab.nodeVia(1, List.of("setpriv", "--bounding-set", "-net_admin", "--inh-caps", "-net_admin"),
        "vrid=1", "vip=10.98.0.150/24");
    assertEquals("ERROR remove 10.98.0.150/24 from eth0: operation not permitted (EPERM); changing addresses needs "
        + "CAP_NET_ADMIN", error(node));
  }
}
