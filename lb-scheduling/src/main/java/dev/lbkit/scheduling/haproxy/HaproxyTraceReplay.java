package dev.lbkit.scheduling.haproxy;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Request;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Replays one recorded HAProxy oracle trace (one JSON line of {@code scheduler-traces/haproxy/*.jsonl}, see its
 * FORMAT.md) through a {@link HaproxyBackend} and compares every pick with the recorded one. Runtime API events
 * and releases of held requests are applied in their recorded order; each pick is counted in flight while its
 * request is. Without {@code picks} in the record nothing is compared. Stateless and thread-safe.
 */
public final class HaproxyTraceReplay {
  private static final InetAddress VIP = address("127.0.0.1");

  private HaproxyTraceReplay() {}

  /**
   * The outcome of one scenario.
   *
   * @param scenario the scenario name
   * @param deterministic whether the record's picks must match one by one
   * @param requests requests replayed
   * @param mismatches picks that differ from the recording (always 0 is expected when deterministic)
   * @param problems the first few differences, in words
   * @param picks lbkit's pick per request, {@code null} for none
   */
  public record Result(String scenario, boolean deterministic, int requests, int mismatches, List<String> problems,
      List<String> picks) {
    public Result {
      problems = List.copyOf(problems);
      picks = java.util.Collections.unmodifiableList(new ArrayList<>(picks));
    }

    /** True when every pick (and every runtime command outcome) matched. */
    public boolean matched() {
      return mismatches == 0;
    }
  }

  /**
   * Builds the backend a record describes.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static HaproxyBackend backend(Map<String, Object> record) {
    HaproxyBackend.Builder b = HaproxyBackend.builder()
        .balance(string(record, "balance"))
        .hashType(hashTypeText(record.get("hash_type_line")));
    String backendConfig = record.get("backend_config") instanceof String ? (String) record.get("backend_config") : "";
    for (String line : backendConfig.split("\n")) {
      String[] w = line.trim().split("\\s+");
      if (w.length >= 2 && w[0].equals("option") && w[1].equals("allbackups")) {
        b.allBackups(true);
      } else if (w.length == 2 && w[0].equals("hash-balance-factor")) {
        b.hashBalanceFactor(Integer.parseInt(w[1]));
      }
    }
    for (Object o : list(record, "servers")) {
      Map<String, Object> s = map(o, "servers[]");
      ServerConfig c = new ServerConfig(string(s, "name"), Endpoint.parse(string(s, "address")),
          whole(s, "weight"), OptionalInt.of(whole(s, "id")), Boolean.TRUE.equals(s.get("backup")),
          s.get("maxconn") == null ? 0 : whole(s, "maxconn"));
      b.server(c);
    }
    return b.build();
  }

  private static String hashTypeText(Object line) {
    if (line == null) {
      return null;
    }
    String t = line.toString().trim();
    return t.startsWith("hash-type") ? t.substring("hash-type".length()).trim() : t;
  }

  /**
   * Replays a record.
   *
   * @throws IllegalArgumentException if the record is malformed
   */
  public static Result replay(Map<String, Object> record) {
    requireNonNull(record, "record");
    String scenario = string(record, "scenario");
    boolean deterministic = !Boolean.FALSE.equals(record.get("deterministic"));
    HaproxyBackend backend = backend(record);
    HaproxyScheduler scheduler = backend.scheduler();
    List<Object> requests = list(record, "requests");
    List<Object> expected = record.containsKey("picks") ? list(record, "picks") : null;
    List<Object> events = record.get("events") instanceof List ? list(record, "events") : List.of();
    List<Object> inflight = record.get("inflight_before") instanceof List ? list(record, "inflight_before") : null;
    String cookieName = scheduler instanceof RdpCookieScheduler ? ((RdpCookieScheduler) scheduler).cookie() : null;

    Map<Integer, List<Map<String, Object>>> eventsBefore = new HashMap<>();
    for (Object e : events) {
      Map<String, Object> ev = map(e, "events[]");
      eventsBefore.computeIfAbsent(whole(ev, "before_request"), k -> new ArrayList<>()).add(ev);
    }
    List<String> picks = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int mismatches = 0;
    for (int i = 0; i < requests.size(); i++) {
      for (Map<String, Object> ev : eventsBefore.getOrDefault(i, List.of())) {
        String type = string(ev, "type");
        if (type.equals("cli")) {
          String response = backend.execute(string(ev, "command"));
          String recorded = ev.get("response") == null ? "" : ev.get("response").toString().trim();
          if (response.isEmpty() != recorded.isEmpty()) {
            mismatches++;
            note(problems, "before request " + i + ": '" + ev.get("command") + "' answered '" + response
                + "' but HAProxy answered '" + recorded + "'");
          }
        } else if (type.equals("release")) {
          int j = whole(ev, "request");
          String held = picks.get(j);
          if (held != null) {
            backend.connectionEnded(backend.server(held));
          }
        }
      }
      if (inflight != null && deterministic) {
        Map<String, Object> counts = map(inflight.get(i), "inflight_before[]");
        for (Map.Entry<String, Object> c : counts.entrySet()) {
          int ours = backend.server(c.getKey()).served();
          if (ours != ((Number) c.getValue()).intValue()) {
            note(problems, "before request " + i + ": " + c.getKey() + " has " + ours + " in flight, HAProxy "
                + c.getValue());
          }
        }
      }
      Map<String, Object> req = map(requests.get(i), "requests[]");
      Request request = request(req, cookieName);
      byte[] body = req.get("body") == null ? new byte[0]
          : req.get("body").toString().getBytes(StandardCharsets.ISO_8859_1);
      Optional<HaproxyServer> pick = scheduler.pickServer(request, body);
      String name = pick.map(HaproxyServer::name).orElse(null);
      picks.add(name);
      Object want = expected == null ? null : expected.get(i);
      if (expected != null && deterministic && !java.util.Objects.equals(name, want)) {
        mismatches++;
        note(problems, "request " + i + " (" + describe(req) + "): picked " + name + ", HAProxy picked " + want);
      }
      if (pick.isPresent()) {
        backend.connectionStarted(pick.get());
        if (!Boolean.TRUE.equals(req.get("hold"))) {
          backend.connectionEnded(pick.get());
        }
      }
    }
    return new Result(scenario, deterministic, requests.size(), mismatches, problems, picks);
  }

  private static void note(List<String> problems, String text) {
    if (problems.size() < 5) {
      problems.add(text);
    }
  }

  private static String describe(Map<String, Object> req) {
    Object uri = req.get("uri");
    return uri != null ? req.get("method") + " " + uri : String.valueOf(req.get("payload_text"));
  }

  /** The lbkit request for a recorded one. */
  static Request request(Map<String, Object> req, String rdpCookieName) {
    Flow flow = new Flow(Protocol.TCP, address(string(req, "src")), 0, VIP, 18080, 0);
    if (req.containsKey("payload_hex")) {
      byte[] payload = hex(string(req, "payload_hex"));
      Optional<String> cookie = RdpCookieScheduler.cookieValue(payload,
          rdpCookieName == null ? "mstshash" : rdpCookieName);
      return new Request(flow, "", "", Map.of(), cookie);
    }
    // one list per name regardless of spelling, in line order: X-Key, x-key, X-Key stay first, second, third
    Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Object hs = req.get("headers");
    if (hs instanceof List) {
      for (Object h : (List<?>) hs) {
        List<?> pair = (List<?>) h;
        headers.computeIfAbsent(pair.get(0).toString(), k -> new ArrayList<>()).add(pair.get(1).toString());
      }
    }
    return Request.http(flow, string(req, "method"), string(req, "uri"), headers);
  }

  private static byte[] hex(String text) {
    if (text.length() % 2 != 0) {
      throw new IllegalArgumentException("payload_hex has an odd number of digits");
    }
    byte[] out = new byte[text.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private static InetAddress address(String text) {
    return Endpoint.parse(text.contains(":") ? "[" + text + "]" : text).address();
  }

  private static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof String)) {
      throw new IllegalArgumentException("field '" + key + "' must be a string but was " + v);
    }
    return (String) v;
  }

  /** A whole-number field that fits an int; 1.5 or 4294967297 is refused, where a cast made them 1. */
  private static int whole(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("field '" + key + "' must be a whole number in [" + Integer.MIN_VALUE
          + ", " + Integer.MAX_VALUE + "] but was " + v);
    }
    return l.intValue();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof List)) {
      throw new IllegalArgumentException("field '" + key + "' must be an array but was " + v);
    }
    return (List<Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v, String what) {
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(what + " must be an object but was " + v);
    }
    return (Map<String, Object>) v;
  }
}
