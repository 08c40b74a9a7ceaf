package dev.lbkit.vrrp.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * The address manager's start-up warm-up leaves {@code NetlinkConnection.request}, the call of every address a
 * takeover adds, compiled for good. With only one decoder class loaded when it compiled (the warm-up's, the one an
 * add takes), C1 compiled the decoder call as a call of that class, on the condition that no other class implements
 * the decoder interface; the first dump of the router's (another decoder class) broke the condition, the compiled code
 * was thrown away, and the takeovers ran {@code request} in the interpreter until one of them crossed the compile
 * threshold again and waited for the compiler (lab, run 51: a 23.5 ms stall at load 10). Here a fresh JVM
 * ({@link RtnetlinkJitProbe}, {@code -Xbatch}, HotSpot's compilation log) warms up on {@code lo} (read-only), makes a
 * dump, then 16 requests: no compiled {@code request} may be invalidated, and the last one must still stand.
 */
final class RtnetlinkJitTest {
  private static final String REQUEST = "dev.lbkit.ipvs.internal.netlink.NetlinkConnection request ";
  private static final Pattern NMETHOD = Pattern.compile("<nmethod compile_id='(\\d+)'[^>]*level='(\\d)'[^>]*method='"
      + Pattern.quote(REQUEST));
  private static final Pattern NOT_ENTRANT = Pattern.compile("<make_not_entrant [^>]*compile_id='(\\d+)'");
  private static final Pattern DECODER_DEPENDENCY = Pattern.compile(
      "<dependency_failed [^>]*ctxk='dev/lbkit/ipvs/internal/netlink/NetlinkConnection\\$Decoder'");

  @Test
  void warmUp_leavesRequestCompiled_throughTheFirstDumpAndTheRequestsAfter() throws Exception {
    assumeTrue(LibC.unavailabilityCause() == null, "needs 64-bit Linux");
    Path log = Files.createTempFile("rtnetlink-jit", ".log");
    try {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xbatch", "-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=" + log,
          "-cp", System.getProperty("java.class.path"), RtnetlinkJitProbe.class.getName()));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe still running");
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("DONE"), out);
      String xml = Files.readString(log, StandardCharsets.ISO_8859_1);
      List<String> compiled = new ArrayList<>();
      Matcher m = NMETHOD.matcher(xml);
      while (m.find()) {
        compiled.add(m.group(1));
      }
      // the warm-up made the JIT compile request at all: otherwise this test would prove nothing
      assertTrue(!compiled.isEmpty(), "NetlinkConnection.request was never compiled");
      List<String> invalidated = new ArrayList<>();
      Matcher d = DECODER_DEPENDENCY.matcher(xml);
      while (d.find()) {
        invalidated.add(d.group());
      }
      assertEquals(List.of(), invalidated, "compiled code that assumed one decoder class");
      List<String> notEntrant = new ArrayList<>();
      Matcher n = NOT_ENTRANT.matcher(xml);
      while (n.find()) {
        notEntrant.add(n.group(1));
      }
      String last = compiled.get(compiled.size() - 1);
      assertTrue(!notEntrant.contains(last), "the last compiled request (compile " + last + " of " + compiled
          + ") was thrown away");
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a temp file left behind
      }
    }
  }
}
