package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of lbkit ipvsadm -R: its line reader and its line-number ranges (whole sessions: IpvsadmCommandTest). */
final class IpvsadmRestoreTest {
  @Test
  void lineReader_splitsAtNewlinesDropsCarriageReturnsAndDecodesUtf8() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      big.append("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m\n");
    }
    String text = "one\r\ntwo\n\nfünf\r\n" + big + "last without newline";
    IpvsadmRestore.LineReader r = new IpvsadmRestore.LineReader(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    assertEquals("one", r.readLine());
    assertEquals("two", r.readLine());
    assertEquals("", r.readLine());
    assertEquals("fünf", r.readLine());
    for (int i = 0; i < 20_000; i++) {
      assertEquals("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m", r.readLine());
    }
    assertEquals("last without newline", r.readLine());
    assertEquals(null, r.readLine());
  }

  @Test
  void lineRanges_joinRunsOfConsecutiveLines() {
    assertEquals("", IpvsadmRestore.lineRanges(List.of()));
    assertEquals("7", IpvsadmRestore.lineRanges(List.of(7)));
    assertEquals("1-3, 5, 9-10", IpvsadmRestore.lineRanges(List.of(1, 2, 3, 5, 9, 10)));
  }
}
