package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SchedCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** One IPVS rr record with two picks. */
  private static final String RR_RECORD = "{\"scheduler\":\"rr\",\"name\":\"basic\",\"dests\":["
      + "{\"addr\":\"10.0.0.1\",\"port\":80,\"weight\":1},{\"addr\":\"10.0.0.2\",\"port\":80,\"weight\":1}],"
      + "\"events\":[{\"op\":\"conn\",\"id\":1,\"src\":\"198.51.100.1\",\"sport\":1,\"dst\":\"192.0.2.1\",\"dport\":80},"
      + "{\"op\":\"conn\",\"id\":2,\"src\":\"198.51.100.1\",\"sport\":2,\"dst\":\"192.0.2.1\",\"dport\":80}]}\n";

  @Test
  void replay_printsOneLinePerRecordAndExitsZero() throws Exception {
    Path f = dir.resolve("rr.jsonl");
    Files.writeString(f, RR_RECORD, StandardCharsets.UTF_8);
    assertEquals(0, run("sched", "replay", f.toString()), err.toString(StandardCharsets.UTF_8));
    assertEquals("{\"name\":\"basic\",\"picks\":[\"10.0.0.2:80\",\"10.0.0.1:80\"]}" + System.lineSeparator(),
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void replay_badRecordGoesToStandardErrorWithFileAndLineAndExitsOne() throws Exception {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, "{\"scheduler\":\"nosuch\",\"name\":\"x\"}\n", StandardCharsets.UTF_8);
    assertEquals(1, run("sched", "replay", f.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(f + ":1: "), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void replay_ofAFileLargerThanTheLimit_printsNoPicks_namesFileAndLimit_andExitsOne() throws Exception {
    // a good record, then a sparse tail past 64 MiB (the length set, no bytes written): refused before it runs
    Path f = dir.resolve("big.jsonl");
    Files.writeString(f, RR_RECORD, StandardCharsets.UTF_8);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength((64L << 20) + 1);
    }
    assertEquals(1, run("sched", "replay", f.toString()));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    assertEquals("lbkit sched replay: " + f + ":0: cannot read the file: larger than 64 MiB, more than any trace needs"
        + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(2, run("sched"));
    assertEquals(2, run("sched", "replay"));
    assertEquals(2, run("sched", "frobnicate"));
  }
}
