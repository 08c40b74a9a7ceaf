package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 5798 accept mode on the real kernel: lbkit is Master in router 1 with an HTTP server listening on every
 * address; router 2 is a client on the same bridge. With accept mode off a TCP connection to the virtual address gets
 * no answer (nftables drops the SYN) while ARP / neighbour discovery for it still resolves to router 1; with accept
 * mode on, and for the address owner (priority 255) with it off, the request is answered. Closing the router removes
 * the nftables table.
 */
final class AcceptModeIT {
  private static final String MAC1 = "02:98:00:00:00:01";
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbva", 2);
    lab.run("exec", lab.ns(2), "ip", "addr", "add", "fd98::2/64", "dev", "eth0", "nodad");
    lab.run("spawn", lab.ns(1), "http", "--", "python3", "-m", "http.server", "--bind", "::", "8080");
    // wait until the server listens (on the lab address, which is always accepted)
    for (int i = 0; i < 100 && curl(Lab.ip(1)) != 0; i++) {
      Lab.sleepMs(100);
    }
    assertEquals(0, curl(Lab.ip(1)), "the HTTP server in router 1 answers on its own address");
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @AfterEach
  void noTableLeft() {
    assertFalse(lab.run("exec", lab.ns(1), "nft", "list", "tables").contains("lbkit_vrrp"),
        "closing the router deleted its nftables table");
  }

  /** curl's exit status for http://ADDR:8080/ from router 2: 0 answered, 28 timed out. */
  private static int curl(String address) {
    String host = address.contains(":") ? "[" + address + "]" : address;
    return lab.run(List.of(0, 7, 28), "exec", lab.ns(2), "curl", "-g", "-s", "-o", "/dev/null", "--max-time", "2",
        "http://" + host + ":8080/").status();
  }

  /** The neighbour entry router 2 has for the address after the attempt (flushed before it). */
  private static String neighbour(String address) {
    return lab.run("exec", lab.ns(2), "ip", "neigh", "show", address).strip();
  }

  private static void flushNeighbours() {
    lab.run("exec", lab.ns(2), "ip", "neigh", "flush", "dev", "eth0");
  }

  private static Node master(String vip, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("vrid=7", "version=3", "advert=100", "vip=" + vip));
    args.addAll(List.of(more));
    Node n = lab.node(1, args.toArray(new String[0]));
    n.awaitState("MASTER", 10_000);
    return n;
  }

  private static void stop(Node n) {
    assertEquals(0, n.terminate());
    String stats = n.awaitLine("STATS ", 5_000);
    assertTrue(stats.endsWith("filterErrors=0"), stats);
  }

  @Test
  void ipv4_acceptModeOff_tcpDroppedButArpResolves() {
    Node n = master("10.98.0.100/24", "priority=150", "accept=false");
    assertTrue(lab.run("exec", lab.ns(1), "nft", "list", "set", "inet", "lbkit_vrrp", "vips4")
        .contains("10.98.0.100"), "the Master blocks its address");
    flushNeighbours();
    assertEquals(28, curl("10.98.0.100"), "no answer from a non-accepting Master");
    assertTrue(neighbour("10.98.0.100").contains("lladdr " + MAC1), "ARP still resolves: " + neighbour(
        "10.98.0.100"));
    assertEquals(0, curl(Lab.ip(1)), "the router's own address is not affected");
    stop(n);
  }

  @Test
  void ipv4_acceptModeOn_tcpAnswered() {
    Node n = master("10.98.0.100/24", "priority=150", "accept=true");
    flushNeighbours();
    assertEquals(0, curl("10.98.0.100"));
    assertTrue(neighbour("10.98.0.100").contains("lladdr " + MAC1), neighbour("10.98.0.100"));
    stop(n);
  }

  @Test
  void ipv4_addressOwner_acceptsEvenWithAcceptModeOff() {
    Node n = master("10.98.0.100/24", "priority=255", "accept=false");
    assertEquals(0, curl("10.98.0.100"));
    stop(n);
  }

  @Test
  void ipv6_acceptModeOff_tcpDroppedButNeighbourDiscoveryResolves() {
    Node n = master("fd98::100/64", "priority=150", "accept=false");
    flushNeighbours();
    assertEquals(28, curl("fd98::100"));
    assertTrue(neighbour("fd98::100").contains("lladdr " + MAC1), "ND still resolves: " + neighbour("fd98::100"));
    stop(n);
    // and once it is gone, a new Master in accept mode answers on the same address
    Node m = master("fd98::100/64", "priority=150", "accept=true");
    assertEquals(0, curl("fd98::100"));
    stop(m);
  }
}
