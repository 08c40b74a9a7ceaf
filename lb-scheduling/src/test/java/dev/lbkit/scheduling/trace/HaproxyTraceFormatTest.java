package dev.lbkit.scheduling.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.scheduling.internal.Json;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class HaproxyTraceFormatTest {
  @TempDir
  Path dir;

  private static Path trace(String name) throws URISyntaxException {
    return Path.of(HaproxyTraceFormatTest.class.getResource("/traces/haproxy/" + name + ".jsonl").toURI());
  }

  @Test
  void standardReplayer_replaysHaproxyRecordsWithTheirPicks() throws Exception {
    for (String file : List.of("static-rr", "leastconn", "hdr")) {
      Path f = trace(file);
      List<ReplayResult> results = new ArrayList<>();
      List<TraceException> errors = new ArrayList<>();
      assertEquals(0, TraceReplayer.standard().replay(f, results::add, errors::add), () -> errors.toString());
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      assertEquals(lines.size(), results.size());
      for (int i = 0; i < lines.size(); i++) {
        Map<String, Object> record = Json.parseObject(lines.get(i));
        assertEquals(record.get("scenario"), results.get(i).name());
        assertEquals(record.get("picks"), results.get(i).picks(), "scenario " + record.get("scenario"));
      }
    }
  }

  @Test
  void standardReplayer_skipsRandomAndNamesBadRecords() throws Exception {
    Path f = dir.resolve("bad.jsonl");
    String good = Files.readAllLines(trace("first"), StandardCharsets.UTF_8).get(0);
    Files.write(f, List.of(
        Files.readAllLines(trace("random"), StandardCharsets.UTF_8).get(0),
        good.replace("\"balance\": \"first\"", "\"balance\": \"fastest\"").replace("\"balance\":\"first\"",
            "\"balance\":\"fastest\""),
        "{\"algorithm\":\"uri\",\"scenario\":\"x\",\"balance\":\"hdr(Host\",\"servers\":[],\"requests\":[]}"),
        StandardCharsets.UTF_8);
    List<ReplayResult> results = new ArrayList<>();
    List<TraceException> errors = new ArrayList<>();
    assertEquals(2, TraceReplayer.standard().replay(f, results::add, errors::add));
    assertTrue(results.isEmpty());
    assertEquals(List.of(2, 3), errors.stream().map(TraceException::line).toList());
    assertTrue(errors.get(0).reason().contains("'fastest'"), errors.get(0).reason());
    assertTrue(errors.get(1).reason().contains("missing ')'"), errors.get(1).reason());
  }
}
