package dev.lbkit.scheduling.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Request;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class HaproxyBackendTest {
  private static ServerConfig server(int n, int weight) {
    return ServerConfig.of("s" + n, Endpoint.parse("127.0.0.1:" + (20000 + n)), weight);
  }

  private static HaproxyBackend backend(String balance, String hashType, ServerConfig... servers) {
    HaproxyBackend.Builder b = HaproxyBackend.builder().balance(balance).hashType(hashType);
    for (ServerConfig s : servers) {
      b.server(s);
    }
    return b.build();
  }

  private static Request get(String uri) {
    Flow flow = new Flow(Protocol.TCP, InetAddress.getLoopbackAddress(), 40000, InetAddress.getLoopbackAddress(),
        80, 0);
    return Request.http(flow, "GET", uri, Map.of());
  }

  private static List<String> picks(HaproxyBackend b, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.scheduler().pickServer(get("/" + i)).map(HaproxyServer::name).orElse("-"));
    }
    return out;
  }

  @Test
  void roundrobin_interleavesWeightsSmoothly() {
    HaproxyBackend b = backend("roundrobin", null, server(1, 3), server(2, 2), server(3, 1));
    assertEquals(List.of("s1", "s2", "s1", "s3", "s1", "s2", "s1", "s2", "s1", "s3", "s1", "s2"), picks(b, 12));
  }

  @Test
  void automaticIds_skipExplicitOnes() {
    HaproxyBackend b = backend("first", null, server(1, 1), server(2, 1).withId(1), server(3, 1), server(4, 1)
        .withId(3));
    assertEquals(List.of(2, 1, 4, 3), b.servers().stream().map(HaproxyServer::id).toList());
  }

  @Test
  void backupServers_takeOverOnlyWhenNoActiveIsUp() {
    HaproxyBackend b = backend("roundrobin", null, server(1, 1), server(2, 1).withBackup(true),
        server(3, 1).withBackup(true));
    assertEquals(List.of("s1", "s1"), picks(b, 2));
    b.setState("s1", ServerState.MAINT);
    assertEquals(List.of("s2", "s2"), picks(b, 2));
    b.setState("s2", ServerState.DRAIN);
    assertEquals(List.of("s3"), picks(b, 1));
    b.setState("s3", ServerState.MAINT);
    assertEquals(Optional.empty(), b.scheduler().pick(get("/x")));
  }

  @Test
  void setWeight_staticAlgorithmRefusesOtherWeights() {
    HaproxyBackend b = backend("static-rr", null, server(1, 2), server(2, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.setWeight("s1", "50%"));
    assertTrue(e.getMessage().contains("static LB algorithm"), e.getMessage());
    b.setWeight("s1", "0%");
    assertEquals(List.of("s2", "s2", "s2"), picks(b, 3));
    assertEquals("", b.execute("set weight bk/s1 100%"));
    assertTrue(b.execute("set weight bk/s1 3").contains("static"));
  }

  @Test
  void setWeight_percentIsOfConfiguredWeightCappedAt256() {
    HaproxyBackend b = backend("roundrobin", null, server(1, 200), server(2, 1));
    b.setWeight("s1", "200%");
    assertEquals(256, b.server("s1").weight());
    b.setWeight("s1", "50%");
    assertEquals(100, b.server("s1").weight());
    assertThrows(IllegalArgumentException.class, () -> b.setWeight("s1", "257"));
    assertThrows(IllegalArgumentException.class, () -> b.setWeight("s1", "x"));
  }

  @Test
  void leastconn_prefersFewerInFlightPerWeight() {
    HaproxyBackend b = backend("leastconn", null, server(1, 1), server(2, 2));
    HaproxyServer s1 = b.server("s1");
    HaproxyServer s2 = b.server("s2");
    b.connectionStarted(s1);
    assertEquals("s2", picks(b, 1).get(0));
    b.connectionStarted(s2);
    // s1: (1+1)*4096/16 = 512, s2: (1+1)*4096/32 = 256
    assertEquals("s2", picks(b, 1).get(0));
    b.connectionEnded(s1);
    assertEquals("s1", picks(b, 1).get(0));
    assertThrows(IllegalStateException.class, () -> b.connectionEnded(s1));
  }

  @Test
  void first_fillsServersInIdOrderUpToMaxconn() {
    HaproxyBackend b = backend("first", null, server(1, 1).withMaxconn(1).withId(2), server(2, 1).withMaxconn(2)
        .withId(1));
    assertEquals("s2", picks(b, 1).get(0));
    b.connectionStarted(b.server("s2"));
    b.connectionStarted(b.server("s2"));
    assertEquals("s1", picks(b, 1).get(0));
    b.connectionStarted(b.server("s1"));
    assertEquals(List.of("-"), picks(b, 1));
  }

  @Test
  void hashAlgorithms_fallBackToRoundRobinWithoutKey() {
    HaproxyBackend b = backend("url_param user", null, server(1, 1), server(2, 1), server(3, 1));
    assertEquals(List.of("s1", "s2", "s3", "s1"), picks(b, 4));
    String withKey = b.scheduler().pickServer(get("/?user=bob")).orElseThrow().name();
    assertEquals(withKey, b.scheduler().pickServer(get("/x?a=1&user=bob")).orElseThrow().name());
    // a hash hit does not move the fallback index
    assertEquals(List.of("s2"), picks(b, 1));
  }

  @Test
  void consistentHashing_movesOnlyKeysOfTheRemovedServer() {
    HaproxyBackend b = backend("uri", "consistent", server(1, 1), server(2, 1), server(3, 1), server(4, 1));
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      before.add(b.scheduler().pickServer(get("/k" + i)).orElseThrow().name());
    }
    b.setState("s2", ServerState.MAINT);
    for (int i = 0; i < 500; i++) {
      String now = b.scheduler().pickServer(get("/k" + i)).orElseThrow().name();
      if (!before.get(i).equals("s2")) {
        assertEquals(before.get(i), now, "key /k" + i);
      } else {
        assertTrue(!now.equals("s2"));
      }
    }
  }

  @Test
  void hdrUseDomainOnly_hashesTheDomainLabel() {
    HaproxyBackend a = backend("hdr(Host) use_domain_only", null, server(1, 1), server(2, 1), server(3, 1),
        server(4, 1), server(5, 1));
    HaproxyBackend whole = backend("hdr(X)", null, server(1, 1), server(2, 1), server(3, 1), server(4, 1),
        server(5, 1));
    for (String[] pair : new String[][] {{"www.example.com", "example"}, {"example.com:8080", "example"},
        {"haproxy.1wt.eu", "1wt"}, {"localhost", "localhost"}, {".com", ".com"}, {"192.168.0.1", "0"}}) {
      Request host = Request.http(get("/").flow(), "GET", "/", Map.of("Host", List.of(pair[0])));
      Request label = Request.http(get("/").flow(), "GET", "/", Map.of("X", List.of(pair[1])));
      assertEquals(whole.scheduler().pickServer(label).map(HaproxyServer::name),
          a.scheduler().pickServer(host).map(HaproxyServer::name), pair[0]);
    }
  }

  @Test
  void rdpCookie_parsesTheX224Payload() {
    byte[] payload = new byte[11 + "Cookie: mstshash=bob\r\n".length()];
    byte[] text = "Cookie: mstshash=bob\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    System.arraycopy(text, 0, payload, 11, text.length);
    assertEquals(Optional.of("bob"), RdpCookieScheduler.cookieValue(payload, "mstshash"));
    assertEquals(Optional.empty(), RdpCookieScheduler.cookieValue(payload, "other"));
    assertEquals(Optional.empty(), RdpCookieScheduler.cookieValue(new byte[5], "mstshash"));
  }

  @Test
  void badConfiguration_isNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> backend("fastest", null, server(1, 1)))
        .getMessage().contains("'fastest'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> backend("hdr(Host", null, server(1, 1)))
        .getMessage().contains("missing ')'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> backend("hdr()", null, server(1, 1)))
        .getMessage().contains("empty"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> backend("url_param", null, server(1, 1)))
        .getMessage().contains("parameter name"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> backend("uri depth x", null, server(1, 1)))
        .getMessage().contains("'x'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> backend("uri", "consistent md5", server(1, 1)))
        .getMessage().contains("'md5'"));
    assertThrows(IllegalArgumentException.class, () -> backend("roundrobin", null, server(1, 1), server(1, 2)));
    assertThrows(IllegalArgumentException.class, () -> server(1, 257));
    assertThrows(IllegalArgumentException.class, () -> HaproxyBackend.builder().balance("roundrobin").build());
  }

  @Test
  void schedulers_knowHaproxyNamesAndCheckHashType() {
    dev.lbkit.scheduling.SchedulerSpec spec = dev.lbkit.scheduling.Schedulers.create("uri", java.util.Set.of(),
        Map.of(dev.lbkit.scheduling.Schedulers.HASH_TYPE, "consistent djb2 avalanche"));
    assertEquals(dev.lbkit.scheduling.SchedulerFamily.HAPROXY, spec.family());
    assertEquals(dev.lbkit.scheduling.SchedulerFamily.HAPROXY,
        dev.lbkit.scheduling.Schedulers.create("roundrobin").family());
    dev.lbkit.scheduling.SchedulerConfigException e = assertThrows(
        dev.lbkit.scheduling.SchedulerConfigException.class, () -> dev.lbkit.scheduling.Schedulers.create("uri",
            java.util.Set.of(), Map.of(dev.lbkit.scheduling.Schedulers.HASH_TYPE, "consistent md5")));
    assertTrue(e.getMessage().contains("'md5'"), e.getMessage());
    assertThrows(dev.lbkit.scheduling.SchedulerConfigException.class, () -> dev.lbkit.scheduling.Schedulers
        .create("roundrobin", java.util.Set.of(), Map.of(dev.lbkit.scheduling.Schedulers.HASH_TYPE, "consistent")));
  }

  @Test
  void replayRequest_keepsHeaderLineOrderAcrossNameSpellings() {
    Map<String, Object> req = new java.util.HashMap<>();
    req.put("src", "127.0.0.1");
    req.put("method", "GET");
    req.put("uri", "/");
    req.put("headers", List.of(List.of("X-Key", "a"), List.of("x-key", "b"), List.of("X-KEY", "c")));
    assertEquals(List.of("a", "b", "c"), HaproxyTraceReplay.request(req, null).headerValues("x-key"));
  }
}
