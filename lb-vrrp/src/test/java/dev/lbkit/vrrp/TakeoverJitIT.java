package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The takeover warm-up leaves the JIT nothing to undo at the first real takeovers. The warm-up's private routers make
 * the takeover spin hot enough for C2, which compiles from their profile; when that profile held one or two classes of
 * ticker or transport, or a branch the warm-up always took one way, C2 compiled a class check or a branch that the
 * real router (a class the warm-up never saw) failed: an uncommon trap in each of the first takeovers, the rest of the
 * takeover in the interpreter, then a recompile whose compiler thread took the CPU from the takeover (lab: +0.5 to
 * +4 ms in the early crash trials). Here a fresh JVM ({@link TakeoverJitProbe}, with {@code -Xbatch} so every compile
 * finishes where it is asked for, and HotSpot's compilation log) warms up, then takes over 20 times through a transport
 * and a ticker of classes the warm-up never saw; no method of lb-vrrp may take an uncommon trap on the takeovers'
 * thread. With the warm-up's classes taken one at a time it took six (three class checks at the transport poll in
 * {@code spinUntil}, three loop predicates in the address loops), and with only that fixed one more (the warm-up's
 * routers never logged, so the logging branch of a state change was a trap).
 */
final class TakeoverJitIT {
  private static final int TAKEOVERS = 20;
  private static final Pattern TRAP = Pattern.compile(
      "<uncommon_trap thread='(\\d+)' reason='([a-z_]+)'[^>]*>\\s*<jvms bci='(\\d+)' method='([^']+)'");

  @Test
  void firstTakeoversAfterTheWarmUp_takeNoUncommonTrapInLbVrrp() throws Exception {
    Path log = Files.createTempFile("takeover-jit", ".log");
    try {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xbatch", "-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=" + log,
          "-cp", System.getProperty("java.class.path"), TakeoverJitProbe.class.getName(),
          Integer.toString(TAKEOVERS)));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe still running");
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("DONE " + (TAKEOVERS + 1)), "the probe took over " + (TAKEOVERS + 1) + " times: " + out);
      Matcher engine = Pattern.compile("ENGINE \\d+/task/(\\d+)").matcher(out);
      assertTrue(engine.find(), out);
      String tid = engine.group(1);
      String xml = Files.readString(log, StandardCharsets.ISO_8859_1);
      // the warm-up did make C2 compile the spin (on its own thread): otherwise this test would prove nothing
      assertTrue(Pattern.compile("<nmethod [^>]*compiler='c2' level='4'[^>]*method='dev.lbkit.vrrp.VrrpRouter "
          + "spinUntil").matcher(xml).find(), "C2 never compiled VrrpRouter.spinUntil");
      List<String> traps = new ArrayList<>();
      Matcher m = TRAP.matcher(xml);
      while (m.find()) {
        if (m.group(1).equals(tid) && m.group(4).startsWith("dev.lbkit.vrrp.")
            && !m.group(4).startsWith("dev.lbkit.vrrp.testkit.")) {
          traps.add(m.group(2) + " at bci " + m.group(3) + " of " + m.group(4));
        }
      }
      assertEquals(List.of(), traps, "uncommon traps of lb-vrrp code during the takeovers");
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a temp file left behind
      }
    }
  }
}
