package dev.lbkit.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The java.util.logging file bin/lbkit gives its short commands ({@code examples/src/main/jvm/logging.properties})
 * sets logging up as the JDK's own default configuration does, so that JNA's log records come out the same, and it
 * has no level lines (the reason it exists: parsing them costs start-up time).
 */
final class LoggingConfigTest {
  private static final Path CONFIG = Path.of("src/main/jvm/logging.properties"); // the module is the working dir

  @Test
  void configuresLoggingAsTheJdkDefault() throws Exception {
    assertEquals(describe(null), describe(CONFIG));
  }

  @Test
  void hasNoLevelLines() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(CONFIG, UTF_8)) {
      p.load(r);
    }
    assertTrue(p.stringPropertyNames().stream().noneMatch(k -> k.endsWith(".level")), p.toString());
    assertEquals("java.util.logging.ConsoleHandler", p.getProperty("handlers"));
  }

  /** The root logger's set-up and what a JNA logger prints, in a fresh JVM with the given file or the default. */
  private static String describe(Path config) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Djava.util.logging.SimpleFormatter.format=%4$s %3$s: %5$s%n"));
    if (config != null) {
      cmd.add("-Djava.util.logging.config.file=" + config.toAbsolutePath());
    }
    cmd.add(Probe.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not end");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** Logs at three levels through JNA's logger name and prints the root logger's level and handlers. */
  static final class Probe {
    public static void main(String[] args) {
      Logger jna = Logger.getLogger("com.sun.jna.Native");
      jna.warning("a warning");
      jna.info("an info");
      jna.fine("a fine record");
      Logger root = Logger.getLogger("");
      StringBuilder b = new StringBuilder("root ").append(root.getLevel());
      for (Handler h : root.getHandlers()) {
        b.append(' ').append(h.getClass().getName()).append(' ').append(h.getLevel()).append(' ')
            .append(h.getFormatter().getClass().getName());
      }
      System.err.flush();
      System.out.println(b);
    }
  }
}
