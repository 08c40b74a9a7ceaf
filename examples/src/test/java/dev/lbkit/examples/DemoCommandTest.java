package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The quick start's demo runs to its end: table on lb1, a backend removed and one at weight 0, lb2 takes over. */
final class DemoCommandTest {
  @Test
  void demo_showsTheTable_theFailedBackends_andTheNewMaster() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(List.of("demo"), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
    assertTrue(text.contains("== lb1 is master; holders of 192.0.2.100: [lb1]"), text);
    assertTrue(Pattern.compile("lb1  ipvsadm -d -t 192\\.0\\.2\\.100:80 -r 127\\.0\\.0\\.1:\\d+\n").matcher(text).find(),
        text);
    assertTrue(Pattern.compile("lb1  ipvsadm -e -t 192\\.0\\.2\\.100:80 -r 127\\.0\\.0\\.1:\\d+ -m -w 0\n")
        .matcher(text).find(), text);
    assertTrue(text.contains("== lb2 is master; holders of 192.0.2.100: [lb2]"), text);
    String lb2Table = text.substring(text.indexOf("IPVS table on lb2"));
    assertEquals(2, lb2Table.lines().filter(l -> l.startsWith("  -> 127.0.0.1:")).count(), lb2Table);
    assertTrue(lb2Table.lines().anyMatch(l -> l.matches("  -> 127\\.0\\.0\\.1:\\d+ +Masq +0 .*")), lb2Table);
    assertTrue(text.contains("demo finished in"), text);
  }
}
