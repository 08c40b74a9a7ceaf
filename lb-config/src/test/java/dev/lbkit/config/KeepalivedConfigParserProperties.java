package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Bad input gives problems with places inside the input, never an exception. */
final class KeepalivedConfigParserProperties {
  private static final String SEED = read("rhel7-3.1-basic-lb1.conf");

  private static String read(String name) {
    try {
      return Files.readString(RhelSeedConfigTest.resource(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Property(tries = 300)
  void anyText_givesAResult_withProblemsInsideTheText(@ForAll("configLike") String text) {
    check(text);
  }

  @Property(tries = 300)
  void seedWithACut_givesAResult_withProblemsInsideTheText(@ForAll @IntRange(min = 0, max = 2000) int from,
      @ForAll @IntRange(min = 0, max = 60) int length) {
    int start = Math.min(from, SEED.length());
    int end = Math.min(start + length, SEED.length());
    check(SEED.substring(0, start) + SEED.substring(end));
  }

  private static void check(String text) {
    ParseResult r = KeepalivedConfigParser.parse("p.conf", text, Path.of("/nonexistent-lbkit-dir"));
    long lines = Math.max(1, text.lines().count());
    for (ConfigProblem p : r.errors()) {
      assertTrue(p.location().line() <= lines, () -> p + " is past the last line " + lines);
    }
  }

  @Provide
  Arbitrary<String> configLike() {
    Arbitrary<String> words = Arbitraries.of("virtual_server", "real_server", "vrrp_instance", "{", "}", "\n",
        "10.0.0.1", "80", "weight", "TCP_CHECK", "\"", "#", "lb_kind", "DR", "fwmark", "-1", "include", "x",
        "virtual_ipaddress", "authentication", "auth_pass", "global_defs", "quorum", "sorry_server", "url", "path",
        "HTTP_GET", "priority", "300", "state", "MASTER", " ", "\t");
    return words.list().ofMaxSize(80).map(l -> String.join(" ", l));
  }
}
