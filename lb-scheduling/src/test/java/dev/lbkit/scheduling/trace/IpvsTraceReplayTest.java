package dev.lbkit.scheduling.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every IPVS kernel trace in {@code src/test/resources/traces/ipvs} and requires identical picks, twos draws,
 * final counters, flags, list order and scheduler state.
 */
final class IpvsTraceReplayTest {
  static final List<String> SCHEDULERS = List.of(
      "rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr");

  static Stream<String> schedulers() {
    return SCHEDULERS.stream();
  }

  static List<Map<String, Object>> records(String scheduler) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (InputStream in = IpvsTraceReplayTest.class.getResourceAsStream("/traces/ipvs/" + scheduler + ".jsonl");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          out.add(Json.parseObject(line));
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("schedulers")
  void replay_matchesKernelPicksAndFinalState(String scheduler) throws Exception {
    List<Map<String, Object>> records = records(scheduler);
    assertTrue(records.size() >= 10, "expected the scenarios of " + scheduler);
    int picks = 0;
    for (Map<String, Object> record : records) {
      String name = (String) record.get("name");
      IpvsTrace.Run run = IpvsTrace.parse(record).replay();
      @SuppressWarnings("unchecked")
      List<Object> expected = (List<Object>) record.get("picks");
      assertEquals(expected.size(), run.picks().size(), name + ": number of picks");
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i), run.picks().get(i), name + ": pick " + i);
      }
      picks += expected.size();
      if (record.containsKey("twos_draws")) {
        checkDraws(name, record, run);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> fin = (Map<String, Object>) record.get("final");
      checkFinal(name, fin, run);
    }
    assertTrue(picks > 1000, "expected many picks for " + scheduler + " but had " + picks);
  }

  private static void checkDraws(String name, Map<String, Object> record, IpvsTrace.Run run) {
    @SuppressWarnings("unchecked")
    List<Object> draws = (List<Object>) record.get("twos_draws");
    assertEquals(draws.size(), run.draws().size(), name + ": number of draws");
    for (int i = 0; i < draws.size(); i++) {
      Object want = draws.get(i);
      IpvsTrace.Draw got = run.draws().get(i);
      if (want == null) {
        assertEquals(null, got, name + ": draw " + i);
      } else {
        @SuppressWarnings("unchecked")
        Map<String, Object> w = (Map<String, Object>) want;
        assertEquals(w.get("r1"), got.r1(), name + ": r1 of draw " + i);
        assertEquals(w.get("r2"), got.r2(), name + ": r2 of draw " + i);
        assertEquals(w.get("words_used"), (long) got.wordsUsed(), name + ": words of draw " + i);
      }
    }
  }

  private static void checkFinal(String name, Map<String, Object> fin, IpvsTrace.Run run) {
    List<String> order = new ArrayList<>();
    for (IpvsDestination d : run.service().destinations()) {
      order.add(d.name());
    }
    assertEquals(fin.get("list_order"), order, name + ": final list order");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> dests = (List<Map<String, Object>>) fin.get("dests");
    List<IpvsDestination> all = run.service().allDestinations();
    assertEquals(dests.size(), all.size(), name + ": destinations ever created");
    for (int i = 0; i < dests.size(); i++) {
      Map<String, Object> want = dests.get(i);
      IpvsDestination d = all.get(i);
      Map<String, Object> got = new LinkedHashMap<>();
      got.put("dest", d.name());
      got.put("linked", d.available());
      got.put("weight", (long) d.weight());
      got.put("last_weight", (long) d.lastWeight());
      got.put("activeconns", (long) d.activeConnections());
      got.put("inactconns", (long) d.inactiveConnections());
      got.put("available", d.available());
      got.put("overloaded", d.overloaded());
      got.put("u_threshold", (long) d.upperThreshold());
      got.put("l_threshold", (long) d.lowerThreshold());
      assertEquals(want, got, name + ": final state of " + want.get("dest"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> want = (Map<String, Object>) fin.get("sched_state");
    Map<String, Object> got = run.service().scheduler().state();
    for (Map.Entry<String, Object> e : want.entrySet()) {
      if (e.getKey().equals("bucket_index_refers_to")) {
        continue;
      }
      assertTrue(got.containsKey(e.getKey()), name + ": scheduler state lacks " + e.getKey());
      assertEquals(e.getValue(), got.get(e.getKey()), name + ": scheduler state " + e.getKey());
    }
  }
}
