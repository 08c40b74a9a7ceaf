package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/lbkit check} as users run it: the packaged jar started by the script, its exit status as the shell sees
 * it, its JSON on the process's own stdout, against loopback servers. {@link CheckCommandTest} covers the flags
 * in-process; this covers the process: 0 up, 1 down, 2 usage error, {@code --once} done within its {@code --timeout},
 * a transition line as soon as it happens (not at exit), and a watch that ends on SIGTERM.
 */
final class CheckCliIT {
  /** Starting a JVM on a loaded 2-core machine; the check's own time is asserted from its elapsed_ms. */
  private static final long PROCESS_SECONDS = 30;

  private record Result(int exit, String out, String err) {}

  private static ProcessBuilder lbkit(String... args) {
    Path script = KernelLab.root().resolve("bin/lbkit");
    assertTrue(Files.isExecutable(script), script + " is missing");
    List<String> line = new ArrayList<>();
    line.add(script.toString());
    line.addAll(List.of(args));
    return new ProcessBuilder(line);
  }

  private static Result run(String... args) throws Exception {
    Path err = Files.createTempFile("lbkit-check-cli", ".err");
    try {
      Process p = lbkit(args).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS), "lbkit " + String.join(" ", args) + " did not end");
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
    } finally {
      Files.delete(err);
    }
  }

  private static long elapsedMs(String json) {
    Matcher m = Pattern.compile("\"elapsed_ms\":(\\d+)").matcher(json);
    assertTrue(m.find(), json);
    return Long.parseLong(m.group(1));
  }

  /** Accepts connections and holds them without a word, until closed. */
  private static ServerSocket silentServer() throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      List<Socket> held = new ArrayList<>();
      while (!s.isClosed()) {
        try {
          held.add(s.accept());
        } catch (IOException e) {
          break;
        }
      }
      for (Socket c : held) {
        try {
          c.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }, "silent-server");
    t.setDaemon(true);
    t.start();
    return s;
  }

  @Test
  void once_exitStatusIsTheVerdict_andASilentServerEndsByTheTimeout() throws Exception {
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket silent = silentServer()) {
      Result up = run("check", "tcp", "127.0.0.1:" + open.getLocalPort(), "--once", "--timeout", "1");
      assertEquals(0, up.exit(), up.out() + up.err());
      assertTrue(up.out().startsWith("{\"check\":\"TCP connect to 127.0.0.1:" + open.getLocalPort()
          + "\",\"result\":\"up\""), up.out());
      assertEquals(1, up.out().lines().count(), up.out());

      Result refused;
      // bound, never listening: refused, and no other socket can be given the port meanwhile (a port freed by
      // closing a socket can be taken again before the check runs)
      try (Socket closed = new Socket()) {
        closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        refused = run("check", "tcp", "127.0.0.1:" + closed.getLocalPort(), "--once", "--timeout", "1");
      }
      assertEquals(1, refused.exit(), refused.out() + refused.err());
      assertTrue(refused.out().contains("\"result\":\"down\",\"reason\":\"refused\""), refused.out());

      Result timeout = run("check", "http", "http://127.0.0.1:" + silent.getLocalPort() + "/", "--once",
          "--timeout", "0.5");
      assertEquals(1, timeout.exit(), timeout.out() + timeout.err());
      assertTrue(timeout.out().contains("\"result\":\"down\",\"reason\":\"timeout\""), timeout.out());
      long ms = elapsedMs(timeout.out());
      assertTrue(ms >= 500 && ms <= 1500, "a 0.5 s check took " + ms + " ms: " + timeout.out());

      Result usage = run("check", "http", "http://127.0.0.1:1/", "--once", "--status", "200-");
      assertEquals(2, usage.exit(), usage.out() + usage.err());
      assertTrue(usage.out().isEmpty(), usage.out());
      assertTrue(usage.err().contains("200-"), usage.err());
    }
  }

  @Test
  void watch_printsEachTransitionAsItHappens_andEndsOnSigterm() throws Exception {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    int port = server.getLocalPort();
    Process p = lbkit("check", "tcp", "127.0.0.1:" + port, "--interval", "0.2", "--rise", "1", "--fall", "1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "lbkit-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      String first = lines.poll(PROCESS_SECONDS, TimeUnit.SECONDS);
      assertNotNull(first, "no first line");
      assertTrue(first.contains("\"event\":\"up\",\"destination\":\"127.0.0.1:" + port + "\""), first);
      server.close();
      // the down line arrives while the process runs, not buffered until it exits
      String down = lines.poll(10, TimeUnit.SECONDS);
      assertNotNull(down, "no line after the server went away");
      // refused, or reset when a check's handshake was in the listener's backlog as it closed (a race)
      assertTrue(down.contains("\"event\":\"down\"") && (down.contains("\"reason_code\":\"refused\"")
          || down.contains("\"reason_code\":\"reset\"")), down);
      assertTrue(p.isAlive(), "the watch ended by itself");
      p.destroy(); // SIGTERM: the shutdown hook closes the checker and the JVM ends
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "lbkit check did not end on SIGTERM");
      assertEquals(143, p.exitValue()); // 128 + SIGTERM, as the shell reports a process ended by it
    } finally {
      server.close();
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
