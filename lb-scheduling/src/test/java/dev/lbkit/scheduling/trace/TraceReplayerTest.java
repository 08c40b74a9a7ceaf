package dev.lbkit.scheduling.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.io.InputTooLargeException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TraceReplayerTest {
  static final String BASIC = "{\"scheduler\":\"rr\",\"name\":\"two\",\"flags\":[],\"sysctl\":{},"
      + "\"dests\":[{\"addr\":\"10.0.0.1\",\"port\":80,\"weight\":1,\"u_threshold\":0,\"l_threshold\":0},"
      + "{\"addr\":\"10.0.0.2\",\"port\":80,\"weight\":0,\"u_threshold\":0,\"l_threshold\":0}],"
      + "\"events\":[{\"op\":\"conn\",\"id\":1,\"src\":\"198.51.100.1\",\"sport\":1,\"dst\":\"192.0.2.1\",\"dport\":80},"
      + "{\"op\":\"remove\",\"dest\":\"10.0.0.1:80\"},"
      + "{\"op\":\"conn\",\"id\":2,\"src\":\"198.51.100.1\",\"sport\":2,\"dst\":\"192.0.2.1\",\"dport\":80}],"
      + "\"picks\":[\"ignored\"]}";

  @TempDir
  Path dir;

  @Test
  void replay_writesPicksInInputOrderAndReportsBadRecordsWithLine() throws Exception {
    Path f = dir.resolve("t.jsonl");
    Files.write(f, List.of(
        BASIC,
        "{\"scheduler\":\"nope\",\"name\":\"x\",\"dests\":[],\"events\":[]}",
        "",
        "{not json",
        BASIC.replace("\"op\":\"remove\"", "\"op\":\"explode\""),
        BASIC.replace("\"two\"", "\"again\""),
        "{\"algorithm\":\"roundrobin\",\"deterministic\":false}",
        "{\"neither\":1}"), StandardCharsets.UTF_8);
    List<ReplayResult> results = new ArrayList<>();
    List<TraceException> errors = new ArrayList<>();
    TraceReplayer replayer = new TraceReplayer(List.of(new IpvsTraceFormat()));
    int failed = replayer.replay(f, results::add, errors::add);
    assertEquals(2, results.size());
    assertEquals("{\"name\":\"two\",\"picks\":[\"10.0.0.1:80\",null]}", results.get(0).toJsonLine());
    assertEquals("again", results.get(1).name());
    assertEquals(5, failed);
    assertEquals(List.of(2, 4, 5, 7, 8), errors.stream().map(TraceException::line).toList());
    assertTrue(errors.get(0).getMessage().startsWith(f + ":2: "), errors.get(0).getMessage());
    assertTrue(errors.get(0).reason().contains("'nope'"), errors.get(0).reason());
    assertTrue(errors.get(2).reason().contains("events[1].op: unknown event 'explode'"), errors.get(2).reason());
  }

  @Test
  void replay_skipsNonDeterministicRecordsOfItsFormat() throws Exception {
    Path f = dir.resolve("n.jsonl");
    Files.write(f, List.of(BASIC.replace("{\"scheduler\"", "{\"deterministic\":false,\"scheduler\"")),
        StandardCharsets.UTF_8);
    List<ReplayResult> results = new ArrayList<>();
    assertEquals(0, TraceReplayer.standard().replay(f, results::add, e -> { }));
    assertTrue(results.isEmpty());
  }

  @Test
  void replay_reportsUnreadableFile() {
    List<TraceException> errors = new ArrayList<>();
    assertEquals(1, TraceReplayer.standard().replay(dir.resolve("missing.jsonl"), r -> { }, errors::add));
    assertEquals(0, errors.get(0).line());
    assertTrue(errors.get(0).reason().contains("no such file"), errors.get(0).reason());
  }

  @Test
  void replay_ofAFileLargerThanTheLimit_runsNoRecord_andNamesFileAndLimit() throws Exception {
    // a good record first, then a sparse tail: the length is set, no bytes are written
    Path f = dir.resolve("big.jsonl");
    Files.writeString(f, BASIC + "\n", StandardCharsets.UTF_8);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(TraceReplayer.MAX_FILE_BYTES + 1);
    }
    List<ReplayResult> results = new ArrayList<>();
    List<TraceException> errors = new ArrayList<>();
    assertEquals(1, TraceReplayer.standard().replay(f, results::add, errors::add));
    assertEquals(List.of(), results, "the record before the limit is not replayed");
    assertEquals(1, errors.size());
    TraceException e = errors.get(0);
    assertEquals(f, e.file());
    assertEquals(0, e.line());
    assertEquals(f + ":0: cannot read the file: larger than 64 MiB, more than any trace needs", e.getMessage());
    InputTooLargeException cause = assertInstanceOf(InputTooLargeException.class, e.getCause());
    assertEquals(TraceReplayer.MAX_FILE_BYTES, cause.limitBytes());
    assertEquals(f.toString(), cause.getFile());
  }

  @Test
  void replay_ofTextThatIsNotUtf8_isAnUnreadableFile() throws Exception {
    Path f = dir.resolve("latin1.jsonl");
    Files.write(f, "{\"scheduler\":\"rr\",\"name\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
    List<TraceException> errors = new ArrayList<>();
    assertEquals(1, TraceReplayer.standard().replay(f, r -> { }, errors::add));
    assertEquals(f + ":0: cannot read the file: not UTF-8 text", errors.get(0).getMessage());
  }

  @Test
  void replay_twosRunningOutOfWordsIsARecordError() {
    String twos = BASIC.replace("\"rr\"", "\"twos\"").replace("\"dport\":80}", "\"dport\":80,\"rand\":[5]}");
    TraceRecordException e = org.junit.jupiter.api.Assertions.assertThrows(TraceRecordException.class,
        () -> TraceReplayer.standard().replayLine(twos));
    assertTrue(e.getMessage().contains("random words"), e.getMessage());
  }
}
