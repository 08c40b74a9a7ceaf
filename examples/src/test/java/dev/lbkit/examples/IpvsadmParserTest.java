package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** lbkit ipvsadm's splitting of a -R line into words (its options: IpvsadmCommandTest's sessions). */
final class IpvsadmParserTest {
  @Test
  void tokens_splitAtAnyWhiteSpaceLikeTheRegex() {
    for (String line : List.of("-A -t 1.2.3.4:80", "  -a\t-t  1.2.3.4:80 \u000b-r x\f ", "", "   ", "x")) {
      List<String> expected = new java.util.ArrayList<>();
      for (String t : line.split("\\s+")) {
        if (!t.isEmpty()) {
          expected.add(t);
        }
      }
      assertEquals(expected, IpvsadmParser.tokens(line), line);
    }
  }
}
