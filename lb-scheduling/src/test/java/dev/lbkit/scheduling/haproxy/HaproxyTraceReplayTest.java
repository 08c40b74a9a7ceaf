package dev.lbkit.scheduling.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.scheduling.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Replays the recorded HAProxy 2.6 traces (src/test/resources/traces/haproxy, see ORIGIN.md). */
final class HaproxyTraceReplayTest {
  static final List<String> FILES = List.of("roundrobin", "static-rr", "leastconn", "first", "source", "uri",
      "url_param", "hdr", "rdp-cookie", "random", "hash");

  static List<Map<String, Object>> records(String file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (InputStream in = HaproxyTraceReplayTest.class.getResourceAsStream("/traces/haproxy/" + file + ".jsonl")) {
      if (in == null) {
        throw new IOException("missing trace file " + file);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          out.add(Json.parseObject(line));
        }
      }
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyDeterministicScenarioPicksAsHaproxy() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String file : FILES) {
      for (Map<String, Object> record : records(file)) {
        if (Boolean.FALSE.equals(record.get("deterministic"))) {
          continue;
        }
        tests.add(DynamicTest.dynamicTest(file + ": " + record.get("scenario"), () -> {
          HaproxyTraceReplay.Result result = HaproxyTraceReplay.replay(record);
          assertTrue(result.requests() > 0, "scenario has requests");
          assertEquals(0, result.mismatches(), () -> String.join("\n", result.problems()));
          assertTrue(result.problems().isEmpty(), () -> String.join("\n", result.problems()));
        }));
      }
    }
    assertTrue(tests.size() > 80, "expected the whole shipped set, found " + tests.size());
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> randomScenariosAreProportionalToWeights() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map<String, Object> record : records("random")) {
      tests.add(DynamicTest.dynamicTest("random: " + record.get("scenario"), () -> {
        HaproxyTraceReplay.Result result = HaproxyTraceReplay.replay(record);
        Map<String, Integer> ours = new HashMap<>();
        for (String p : result.picks()) {
          ours.merge(p, 1, Integer::sum);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> theirs = (Map<String, Object>) record.get("distribution");
        int n = result.requests();
        for (Map.Entry<String, Object> e : theirs.entrySet()) {
          double a = ours.getOrDefault(e.getKey(), 0) / (double) n;
          double b = ((Number) e.getValue()).doubleValue() / n;
          // both are samples of the same distribution: allow 5 standard deviations of the difference
          double sd = Math.sqrt(2 * Math.max(b, 1.0 / n) * (1 - b) / n);
          assertTrue(Math.abs(a - b) <= 5 * sd + 0.005,
              () -> e.getKey() + ": lbkit share " + a + ", HAProxy share " + b + " (scenario " + result.scenario()
                  + ")");
        }
      }));
    }
    return tests.stream();
  }

  @org.junit.jupiter.api.Test
  void replay_reportsATamperedPick() throws IOException {
    Map<String, Object> record = new HashMap<>(records("roundrobin").get(0));
    List<Object> picks = new ArrayList<>(castList(record.get("picks")));
    picks.set(3, "no-such-server");
    record.put("picks", picks);
    HaproxyTraceReplay.Result result = HaproxyTraceReplay.replay(record);
    assertEquals(1, result.mismatches());
    assertTrue(result.problems().get(0).startsWith("request 3 "), result.problems().get(0));
  }

  @org.junit.jupiter.api.Test
  void replay_refusesAWeightThatIsNotAWhole32BitNumber() throws IOException {
    // a cast made weight 4294967297 into 1 and 2.9 into 2, and the replay went on with those
    for (Object weight : List.of(4_294_967_297L, 2.9)) {
      Map<String, Object> record = new HashMap<>(records("roundrobin").get(0));
      List<Object> servers = new ArrayList<>(castList(record.get("servers")));
      @SuppressWarnings("unchecked")
      Map<String, Object> first = new HashMap<>((Map<String, Object>) servers.get(0));
      first.put("weight", weight);
      servers.set(0, first);
      record.put("servers", servers);
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> HaproxyTraceReplay.replay(record));
      assertEquals("field 'weight' must be a whole number in [-2147483648, 2147483647] but was " + weight,
          e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Object> castList(Object o) {
    return (List<Object>) o;
  }
}
