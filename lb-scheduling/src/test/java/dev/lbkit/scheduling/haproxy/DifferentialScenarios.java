package dev.lbkit.scheduling.haproxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The request sequences {@link HaproxyDifferentialIT} drives through the real haproxy and lbkit: every
 * algorithm, all hash-type spellings, runtime API changes, held requests, backups and maxconn. Seeded, so every
 * run sends the same requests.
 */
final class DifferentialScenarios {
  private static final List<String> HASH_TYPES = hashTypeSpellings();

  private DifferentialScenarios() {}

  /** One scenario: a backend and the steps driven against it. */
  static final class Scenario {
    final String name;
    final String balance;
    final String hashType;
    String mode = "http";
    final List<String> extra = new ArrayList<>();
    final List<Map<String, Object>> servers = new ArrayList<>();
    final List<Map<String, Object>> steps = new ArrayList<>();
    boolean deterministic = true;

    Scenario(String name, String balance, String hashType) {
      this.name = name;
      this.balance = balance;
      this.hashType = hashType;
    }

    Scenario server(int n, int weight) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", "s" + n);
      s.put("n", n);
      s.put("weight", (long) weight);
      servers.add(s);
      return this;
    }

    Scenario servers(int... weights) {
      for (int i = 0; i < weights.length; i++) {
        server(i + 1, weights[i]);
      }
      return this;
    }

    Map<String, Object> last() {
      return servers.get(servers.size() - 1);
    }

    Scenario request(Map<String, Object> r) {
      r.put("kind", "request");
      steps.add(r);
      return this;
    }

    Scenario cli(String command) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("kind", "cli");
      c.put("command", command);
      steps.add(c);
      return this;
    }

    Scenario release(int request) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("kind", "release");
      c.put("request", (long) request);
      steps.add(c);
      return this;
    }

    int requestCount() {
      return (int) steps.stream().filter(s -> s.get("kind").equals("request")).count();
    }

    boolean tracksInflight() {
      return balance.equals("leastconn") || balance.equals("first") || extra.stream().anyMatch(
          l -> l.startsWith("hash-balance-factor")) || steps.stream().anyMatch(s -> Boolean.TRUE.equals(s.get("hold")))
          || balance.startsWith("random");
    }
  }

  // ---- request generators ----------------------------------------------------------------------------------

  private static Map<String, Object> http(String src, String method, String uri, List<List<String>> headers) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("src", src);
    r.put("method", method);
    r.put("uri", uri);
    r.put("version", "HTTP/1.1");
    List<Object> hs = new ArrayList<>();
    for (List<String> h : headers) {
      hs.add(new ArrayList<Object>(h));
    }
    hs.add(new ArrayList<Object>(List.of("Connection", "close")));
    r.put("headers", hs);
    return r;
  }

  private static Map<String, Object> get(String uri) {
    return http("127.0.0.1", "GET", uri, List.of(List.of("Host", "example.com")));
  }

  private static Map<String, Object> held(String uri) {
    Map<String, Object> r = get(uri);
    r.put("hold", true);
    return r;
  }

  private static final String[] WORDS = {"static", "img", "api", "v1", "users", "en", "a", "b", "index.html",
      "logo.png", "search", "x"};

  private static String randomPath(Random rnd) {
    StringBuilder b = new StringBuilder();
    int depth = 1 + rnd.nextInt(4);
    for (int i = 0; i < depth; i++) {
      b.append('/').append(WORDS[rnd.nextInt(WORDS.length)]);
      if (rnd.nextInt(3) == 0) {
        b.append(rnd.nextInt(300));
      }
    }
    return b.toString();
  }

  private static String randomUri(Random rnd) {
    String path = randomPath(rnd);
    switch (rnd.nextInt(8)) {
      case 0:
        return path + "?u=" + rnd.nextInt(50) + "&x=" + WORDS[rnd.nextInt(WORDS.length)];
      case 1:
        return "http://example.com" + path + "?q=" + rnd.nextInt(9);
      case 2:
        return path + "/";
      default:
        return path;
    }
  }

  private static Scenario uriScenario(String name, String balance, String hashType, int seed, int count) {
    Scenario s = new Scenario(name, balance, hashType).servers(1, 2, 3, 1, 4);
    Random rnd = new Random(seed);
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < count / 3; i++) {
      pool.add(randomUri(rnd));
    }
    for (int i = 0; i < count; i++) {
      s.request(get(pool.get(rnd.nextInt(pool.size()))));
    }
    return s;
  }

  private static List<String> hashTypeSpellings() {
    List<String> out = new ArrayList<>();
    out.add(null);
    for (String method : List.of("map-based", "consistent")) {
      out.add(method);
      for (String f : List.of("sdbm", "djb2", "wt6", "crc32")) {
        out.add(method + " " + f);
        out.add(method + " " + f + " avalanche");
      }
    }
    return out;
  }

  static List<Scenario> all() {
    List<Scenario> list = new ArrayList<>();
    Random rnd = new Random(20261126);

    // roundrobin: weights, runtime changes, backups, maxconn with held requests
    Scenario rr = new Scenario("rr-weights-runtime", "roundrobin", null).servers(3, 2, 1, 5, 256, 13);
    for (int i = 0; i < 400; i++) {
      if (i == 60) {
        rr.cli("set weight bk/s2 50%");
      } else if (i == 120) {
        rr.cli("set server bk/s1 state maint");
      } else if (i == 170) {
        rr.cli("set weight bk/s5 7");
      } else if (i == 220) {
        rr.cli("set server bk/s1 state ready");
      } else if (i == 260) {
        rr.cli("set server bk/s4 state drain");
      } else if (i == 300) {
        rr.cli("set weight bk/s3 0");
      } else if (i == 330) {
        rr.cli("set weight bk/s3 256");
        rr.cli("set server bk/s4 state ready");
      }
      rr.request(get("/r" + i));
    }
    list.add(rr);
    for (boolean all : new boolean[] {false, true}) {
      Scenario b = new Scenario(all ? "rr-allbackups" : "rr-backup", "roundrobin", null).servers(2, 1, 3, 1, 2);
      b.servers.get(2).put("backup", true);
      b.servers.get(3).put("backup", true);
      b.servers.get(4).put("backup", true);
      if (all) {
        b.extra.add("option allbackups");
      }
      for (int i = 0; i < 120; i++) {
        if (i == 20) {
          b.cli("set server bk/s1 state maint").cli("set server bk/s2 state maint");
        } else if (i == 50) {
          b.cli("set server bk/s3 state maint");
        } else if (i == 70) {
          b.cli("set server bk/s3 state ready");
        } else if (i == 90) {
          b.cli("set server bk/s2 state ready");
        }
        b.request(get("/b" + i));
      }
      list.add(b);
    }
    Scenario rrMax = new Scenario("rr-maxconn-held", "roundrobin", null).servers(3, 1, 2);
    rrMax.servers.get(0).put("maxconn", 2);
    heldSequence(rrMax, new Random(7), 150, 4);
    list.add(rrMax);

    Scenario srr = new Scenario("static-rr-runtime", "static-rr", null).servers(2, 4, 6, 2);
    for (int i = 0; i < 300; i++) {
      if (i == 40) {
        srr.cli("set weight bk/s2 0%");
      } else if (i == 80) {
        srr.cli("set weight bk/s3 50");
      } else if (i == 100) {
        srr.cli("set weight bk/s2 100%");
      } else if (i == 150) {
        srr.cli("set server bk/s1 state maint");
      } else if (i == 200) {
        srr.cli("set server bk/s1 state ready").cli("set server bk/s4 state drain");
      }
      srr.request(get("/s" + i));
    }
    list.add(srr);
    Scenario srrMax = new Scenario("static-rr-maxconn-held", "static-rr", null).servers(1, 2, 1);
    srrMax.servers.get(1).put("maxconn", 1);
    heldSequence(srrMax, new Random(8), 120, 3);
    list.add(srrMax);

    Scenario lcSeq = new Scenario("leastconn-sequential", "leastconn", null).servers(1, 5, 2, 8);
    for (int i = 0; i < 60; i++) {
      lcSeq.request(get("/l" + i));
    }
    list.add(lcSeq);
    Scenario lc = new Scenario("leastconn-held", "leastconn", null).servers(1, 2, 3, 4);
    heldSequence(lc, new Random(9), 200, 8);
    lc.cli("set weight bk/s4 10");
    heldSequence(lc, new Random(10), 60, 8);
    list.add(lc);

    Scenario first = new Scenario("first-held-ids", "first", null).servers(1, 1, 1, 0, 1);
    int[] ids = {7, 3, 5, 1, 2};
    int[] maxconn = {2, 3, 1, 2, 2};
    for (int i = 0; i < 5; i++) {
      first.servers.get(i).put("id", ids[i]);
      first.servers.get(i).put("maxconn", maxconn[i]);
    }
    heldSequence(first, new Random(11), 150, 7);
    list.add(first);

    // source: addresses all over 127/8
    for (String ht : new String[] {null, "consistent", "map-based djb2 avalanche", "consistent crc32 avalanche",
        "consistent sdbm"}) {
      Scenario src = new Scenario("source-" + (ht == null ? "default" : ht.replace(' ', '-')), "source", ht)
          .servers(1, 2, 3, 4);
      Random r = new Random(12);
      for (int i = 0; i < 250; i++) {
        if (i == 150) {
          src.cli("set server bk/s2 state maint");
        }
        Map<String, Object> req = get("/src");
        req.put("src", "127." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254)));
        src.request(req);
      }
      list.add(src);
    }

    // uri: every hash-type spelling, then the options
    int seed = 100;
    for (String ht : HASH_TYPES) {
      list.add(uriScenario("uri-" + (ht == null ? "no-hash-type" : ht.replace(' ', '-')), "uri", ht, seed++, 150));
    }
    for (String opts : List.of("len 5", "depth 2", "whole", "path-only", "path-only whole", "len 8 depth 2",
        "depth 1 whole")) {
      for (String ht : new String[] {null, "consistent"}) {
        list.add(uriScenario("uri-" + opts.replace(' ', '-') + (ht == null ? "" : "-consistent"), "uri " + opts, ht,
            seed++, 120));
      }
    }
    Scenario uriRuntime = uriScenario("uri-consistent-runtime", "uri", "consistent", seed++, 200);
    uriRuntime.steps.add(70, cliStep("set weight bk/s3 1"));
    uriRuntime.steps.add(120, cliStep("set server bk/s1 state maint"));
    uriRuntime.steps.add(160, cliStep("set weight bk/s2 200"));
    list.add(uriRuntime);
    Scenario uriMapRuntime = uriScenario("uri-map-runtime", "uri", null, seed++, 160);
    uriMapRuntime.steps.add(60, cliStep("set server bk/s4 state maint"));
    uriMapRuntime.steps.add(100, cliStep("set weight bk/s2 0"));
    list.add(uriMapRuntime);
    Scenario factor = new Scenario("uri-consistent-balance-factor", "uri", "consistent").servers(1, 1, 2);
    factor.extra.add("hash-balance-factor 150");
    Random fr = new Random(13);
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      if (!open.isEmpty() && (open.size() >= 6 || fr.nextInt(3) == 0)) {
        factor.release(open.remove(fr.nextInt(open.size())));
      }
      open.add(factor.requestCount());
      factor.request(held("/f" + fr.nextInt(10)));
    }
    list.add(factor);

    // url_param, including POST bodies
    for (String ht : new String[] {null, "consistent", "map-based wt6", "consistent djb2 avalanche"}) {
      Scenario up = new Scenario("url_param-" + (ht == null ? "default" : ht.replace(' ', '-')),
          "url_param user check_post", ht).servers(1, 2, 3, 1);
      up.extra.add("option http-buffer-request");
      Random r = new Random(14);
      for (int i = 0; i < 200; i++) {
        if (i == 120) {
          up.cli("set server bk/s3 state maint");
        }
        up.request(urlParamRequest(r));
      }
      list.add(up);
    }

    // hdr
    for (String ht : new String[] {null, "consistent", "map-based crc32", "consistent wt6 avalanche"}) {
      Scenario h = new Scenario("hdr-x-key-" + (ht == null ? "default" : ht.replace(' ', '-')), "hdr(X-Key)", ht)
          .servers(2, 1, 3, 1, 1);
      Random r = new Random(15);
      for (int i = 0; i < 200; i++) {
        h.request(hdrRequest(r));
      }
      list.add(h);
    }
    for (String ht : new String[] {null, "consistent"}) {
      Scenario h = new Scenario("hdr-host-domain-" + (ht == null ? "default" : ht), "hdr(Host) use_domain_only", ht)
          .servers(1, 1, 1, 2);
      Random r = new Random(16);
      String[] hosts = {"www.example.com", "example.com:8080", "a.b.c.d.example.co.uk", "localhost", ".com",
          "192.168.0.1", "haproxy.1wt.eu", "example.com.", "shop.example.org", "x.y", "api.internal", ""};
      for (int i = 0; i < 150; i++) {
        Map<String, Object> req = http("127.0.0.1", "GET", "/h" + i,
            List.of(List.of("Host", hosts[r.nextInt(hosts.length)] + (r.nextInt(4) == 0 ? "" : ""))));
        h.request(req);
      }
      list.add(h);
    }

    // rdp-cookie (mode tcp)
    for (String ht : new String[] {null, "consistent"}) {
      Scenario rdp = new Scenario("rdp-cookie-" + (ht == null ? "default" : ht), "rdp-cookie", ht)
          .servers(1, 2, 3, 4, 5);
      rdp.mode = "tcp";
      Random r = new Random(17);
      for (int i = 0; i < 150; i++) {
        if (i == 100) {
          rdp.cli("set server bk/s5 state maint");
        }
        rdp.request(rdpRequest(r));
      }
      list.add(rdp);
    }

    // balance hash <expr>
    String[][] exprs = {{"req.hdr(X-Key)", null}, {"req.hdr(X-Key)", "consistent"}, {"path", "map-based djb2"},
        {"url_param(user)", null}, {"url_param(user)", "consistent wt6"}, {"src", "consistent crc32"},
        {"src", null}};
    for (String[] e : exprs) {
      Scenario h = new Scenario("hash-" + e[0].replaceAll("[^a-z]", "") + "-" + (e[1] == null ? "default"
          : e[1].replace(' ', '-')), "hash " + e[0], e[1]).servers(1, 2, 1, 3);
      Random r = new Random(18);
      for (int i = 0; i < 150; i++) {
        Map<String, Object> req;
        switch (r.nextInt(3)) {
          case 0:
            req = hdrRequest(r);
            break;
          case 1:
            req = urlParamRequest(r);
            break;
          default:
            req = get(randomUri(r));
        }
        req.put("src", "127." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254)));
        h.request(req);
      }
      list.add(h);
    }

    // randomized: weights (0 included), backups, allbackups, runtime changes at random points
    String[][] fuzz = {{"roundrobin", null}, {"static-rr", null}, {"leastconn", null}, {"first", null},
        {"uri", "consistent"}, {"uri whole", null}, {"source", "consistent djb2 avalanche"},
        {"hdr(X-Key)", "map-based wt6"}, {"url_param user", "consistent crc32"}, {"roundrobin", null},
        {"leastconn", null}, {"uri depth 1", "consistent sdbm"}};
    for (int f = 0; f < fuzz.length; f++) {
      list.add(fuzzScenario(f, fuzz[f][0], fuzz[f][1]));
    }

    Scenario random = new Scenario("random-3", "random(3)", null).servers(1, 2, 4, 1);
    random.deterministic = false;
    for (int i = 0; i < 600; i++) {
      random.request(get("/rnd" + i));
    }
    list.add(random);
    return list;
  }

  private static Scenario fuzzScenario(int seed, String balance, String hashType) {
    Random r = new Random(1000 + seed);
    Scenario s = new Scenario("fuzz-" + seed + "-" + balance.replaceAll("[^a-z]", ""), balance, hashType);
    int n = 3 + r.nextInt(4);
    for (int i = 1; i <= n; i++) {
      int[] choices = {0, 1, 1, 2, 3, 5, 7, 10, 16, 64, 100, 256};
      s.server(i, r.nextInt(8) == 0 ? 0 : choices[1 + r.nextInt(choices.length - 1)]);
      if (i > 2 && r.nextInt(3) == 0) {
        s.last().put("backup", true);
      }
    }
    if (r.nextBoolean()) {
      s.extra.add("option allbackups");
    }
    boolean holds = balance.equals("leastconn") || balance.equals("first") || r.nextInt(3) == 0;
    // maxconn only without runtime changes and with an active server that never fills, so no request ever waits
    // in a queue (which request leaves a queue first is not a balancing question)
    boolean hashing = hashType != null || balance.startsWith("uri") || balance.startsWith("hdr")
        || balance.startsWith("url_param") || balance.startsWith("source");
    boolean limits = holds && (balance.equals("first") || (!hashing && r.nextBoolean())); // hash hits ignore maxconn
    if (limits) {
      s.servers.get(0).put("weight", 1L);
      s.servers.get(0).remove("backup");
      s.servers.get(0).put("id", 1000);
      for (int i = 1; i < n; i++) {
        s.servers.get(i).put("maxconn", 1 + r.nextInt(3));
      }
    }
    List<Integer> open = new ArrayList<>();
    int requests = 0;
    while (requests < 200) {
      int k = r.nextInt(20);
      String name = "s" + (1 + r.nextInt(n));
      if (k == 0 && !limits) {
        s.cli("set server bk/" + name + " state " + new String[] {"maint", "drain", "ready", "ready"}[r.nextInt(4)]);
      } else if (k == 1 && !limits) {
        String w = r.nextBoolean() ? Integer.toString(r.nextInt(40)) : (r.nextInt(4) * 50) + "%";
        s.cli("set weight bk/" + name + " " + w);
      } else if (holds && !open.isEmpty() && (open.size() >= 3 || k < 6)) {
        s.release(open.remove(r.nextInt(open.size())));
      } else if (holds && k < 10 && open.size() < 3) {
        open.add(s.requestCount());
        Map<String, Object> req = fuzzRequest(r);
        req.put("hold", true);
        s.request(req);
        requests++;
      } else {
        s.request(fuzzRequest(r));
        requests++;
      }
    }
    for (int j : open) {
      s.release(j);
    }
    return s;
  }

  private static Map<String, Object> fuzzRequest(Random r) {
    Map<String, Object> req = r.nextBoolean() ? hdrRequest(r) : urlParamRequest(r);
    req.put("src", "127." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254)));
    return req;
  }

  private static Map<String, Object> cliStep(String command) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("kind", "cli");
    c.put("command", command);
    return c;
  }

  /** Requests that are held open and released at random, keeping at most {@code maxOpen} in flight. */
  private static void heldSequence(Scenario s, Random rnd, int count, int maxOpen) {
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      while (!open.isEmpty() && (open.size() >= maxOpen || rnd.nextInt(3) == 0)) {
        s.release(open.remove(rnd.nextInt(open.size())));
        if (rnd.nextBoolean()) {
          break;
        }
      }
      if (rnd.nextInt(4) == 0) {
        s.request(get("/q" + i));
      } else {
        open.add(s.requestCount());
        s.request(held("/h" + i));
      }
    }
    for (int j : open) {
      s.release(j);
    }
  }

  private static Map<String, Object> urlParamRequest(Random r) {
    String[] queries = {"?user=" + r.nextInt(40), "?x=1&user=" + r.nextInt(40) + "&y=2", "?x=1", "", "?user=",
        "?user=a&user=b", "?users=q", "?user", "?a=1;user=z", "?x=?user=" + r.nextInt(9), "?USER=upper",
        "?user=v;w=1", "?user=a?b", "?x=1&user=" + r.nextInt(9) + "&"};
    String q = queries[r.nextInt(queries.length)];
    if (r.nextInt(5) == 0) {
      String[] bodies = {"user=carol&x=1", "x=1&user=dave" + r.nextInt(30), "x=1", "user=\"quoted\"", "user= space",
          "user=&x=2", "name=user&user=e" + r.nextInt(9)};
      String body = bodies[r.nextInt(bodies.length)];
      Map<String, Object> req = http("127.0.0.1", "POST", "/post" + (r.nextBoolean() ? "" : "?x=1"), List.of(
          List.of("Host", "example.com"), List.of("Content-Type", "application/x-www-form-urlencoded"),
          List.of("Content-Length", Integer.toString(body.length()))));
      req.put("body", body);
      return req;
    }
    return get("/p" + r.nextInt(5) + q);
  }

  private static Map<String, Object> hdrRequest(Random r) {
    String[] values = {"key" + r.nextInt(40), "a, b", "\"x,y\", z", "", " ,a", "  spaced  ", "k" + r.nextInt(9)
        + ",second"};
    List<List<String>> headers = new ArrayList<>();
    headers.add(List.of("Host", "example.com"));
    int kind = r.nextInt(6);
    if (kind == 0) {
      // absent
    } else if (kind == 1) {
      headers.add(List.of("x-key", values[r.nextInt(values.length)]));
      headers.add(List.of("X-Key", "dup" + r.nextInt(5)));
    } else {
      headers.add(List.of("X-Key", values[r.nextInt(values.length)]));
    }
    return http("127.0.0.1", "GET", "/k", headers);
  }

  private static Map<String, Object> rdpRequest(Random r) {
    String text;
    switch (r.nextInt(6)) {
      case 0:
        text = "";
        break;
      case 1:
        text = "Cookie: mstshash=\r\n";
        break;
      case 2:
        text = "cookie:   MSTSHASH=Mixed" + r.nextInt(20) + "\r\n";
        break;
      default:
        text = "Cookie: mstshash=user" + r.nextInt(60) + "\r\n";
    }
    byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
    byte[] neg = {0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00};
    int len = 4 + 7 + t.length + neg.length;
    byte[] p = new byte[len];
    p[0] = 0x03;
    p[2] = (byte) (len >> 8);
    p[3] = (byte) len;
    p[4] = (byte) (len - 5);
    p[5] = (byte) 0xe0;
    System.arraycopy(t, 0, p, 11, t.length);
    System.arraycopy(neg, 0, p, 11 + t.length, neg.length);
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("src", "127.0.0.1");
    req.put("payload_hex", HexFormat.of().formatHex(p));
    req.put("payload_text", text);
    return req;
  }

}
