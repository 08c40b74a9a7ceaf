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

final class SchedSimulateCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void simulate_printsTableAndWritesChart() throws Exception {
    Path svg = dir.resolve("chart.svg");
    assertEquals(0, run("sched", "simulate", "--servers", "a=1,b=3", "--connections", "4000", "--scheduler", "wrr",
        "--scheduler", "uri depth 1@consistent", "--fail", "b@100ms", "--svg", svg.toString()),
        err.toString(StandardCharsets.UTF_8));
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("wrr") && table.contains("uri depth 1 @consistent") && table.contains("max/mean"),
        table);
    assertTrue(Files.readString(svg).startsWith("<svg "));
  }

  @Test
  void simulate_namesTheBadCsvLineAndField() throws Exception {
    Path csv = dir.resolve("w.csv");
    Files.writeString(csv, "conn,0,1,1,10.0.0.1\nconn,1,1,x,10.0.0.1\n");
    assertEquals(2, run("sched", "simulate", "--trace", csv.toString()));
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains(csv + ":2: field cost_ms:"), e);
    assertTrue(out.toString(StandardCharsets.UTF_8).isEmpty(), "nothing reported as if complete");
  }

  @Test
  void simulate_traceThatCannotBeRead_saysWhy() throws Exception {
    // the message was the bare path: "lbkit sched: /tmp/.../absent.csv"
    assertEquals(1, run("sched", "simulate", "--trace", dir.resolve("absent.csv").toString()));
    Files.write(dir.resolve("latin1.csv"), new byte[] {'#', ' ', (byte) 0xe9, '\n'});
    assertEquals(1, run("sched", "simulate", "--trace", dir.resolve("latin1.csv").toString()));
    assertEquals("lbkit sched: cannot read " + dir.resolve("absent.csv") + ": no such file\n"
        + "lbkit sched: cannot read " + dir.resolve("latin1.csv") + ": not UTF-8 text\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void simulate_traceLargerThanTheLimit_isRefusedBeforeAnyLine_namingFileAndLimit() throws Exception {
    // a good line, then a sparse tail past 64 MiB (the length set, no bytes written); read whole, the zero bytes
    // would be one 64 MiB line held in memory before the CSV reader could refuse it
    Path csv = dir.resolve("big.csv");
    Files.writeString(csv, "conn,0,1,1,10.0.0.1\n", StandardCharsets.UTF_8);
    try (RandomAccessFile raf = new RandomAccessFile(csv.toFile(), "rw")) {
      raf.setLength(SchedSimulateCommand.MAX_TRACE_BYTES + 1);
    }
    assertEquals(1, run("sched", "simulate", "--trace", csv.toString()));
    assertEquals("", out.toString(StandardCharsets.UTF_8), "no report from part of a trace");
    assertEquals("lbkit sched: cannot read " + csv + ": larger than 64 MiB, more than any trace needs\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void simulate_rejectsUnknownScheduler() {
    assertEquals(2, run("sched", "simulate", "--scheduler", "fastest"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("'fastest'"), err.toString(StandardCharsets.UTF_8));
  }
}
