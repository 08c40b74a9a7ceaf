package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * in-process; this covers the process: 0 up, 1 down, 2 usage error, {@code --once} done within its {@code --timeout}
 * (by its own elapsed_ms, less the same CLI's cold start of a check in the same run, and the process's end after its
 * verdict: no JVM start in either), a transition line as soon as it happens (not at exit), and a watch that ends on
 * SIGTERM.
 */
final class CheckCliIT {
  /** Starting a JVM on a loaded 2-core machine; the check's own time is asserted from its elapsed_ms. */
  private static final long PROCESS_SECONDS = 30;
  /**
   * How far past its {@code --timeout} a check may end, beyond the same CLI's cold start of a check in the same run,
   * and how long after its verdict the process may take to end: a timer's wake-up and a JVM's exit on a host whose
   * two cores also run the kernel lab's emulators (failsafe runs IpvsadmCliIT and DirectorKernelLabIT beside the
   * other IT classes). A timeout not kept by the read, or a process waiting for the silent server, is seconds over.
   */
  private static final long GRACE_MS = 1000;

  private record Result(int exit, String out, String err) {}

  /** A run, with when its first output came and when it had ended (this JVM's System.nanoTime). */
  private record Timed(Result result, long firstOutputNanos, long endedNanos) {}

  private static ProcessBuilder lbkit(String... args) {
    Path script = KernelLab.root().resolve("bin/lbkit");
    assertTrue(Files.isExecutable(script), script + " is missing");
    List<String> line = new ArrayList<>();
    line.add(script.toString());
    line.addAll(List.of(args));
    return new ProcessBuilder(line);
  }

  private static Result run(String... args) throws Exception {
    return runTimed(args).result();
  }

  private static Timed runTimed(String... args) throws Exception {
    Path err = Files.createTempFile("lbkit-check-cli", ".err");
    try {
      Process p = lbkit(args).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long first = 0;
      byte[] buf = new byte[8192];
      try (InputStream in = p.getInputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          first = first == 0 ? System.nanoTime() : first;
          out.write(buf, 0, n);
        }
      }
      assertTrue(p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS), "lbkit " + String.join(" ", args) + " did not end");
      long ended = System.nanoTime();
      return new Timed(new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), Files.readString(err)), first,
          ended);
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
    return server(false);
  }

  /**
   * Accepts connections until closed: {@code answer}: reads each request head and answers 200 with an empty body;
   * else holds them without a word.
   */
  private static ServerSocket server(boolean answer) throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      List<Socket> held = new ArrayList<>();
      while (!s.isClosed()) {
        try {
          Socket c = s.accept();
          if (answer) {
            answer(c);
          } else {
            held.add(c);
          }
        } catch (IOException e) {
          if (s.isClosed()) {
            break;
          } // else one bad connection: go on with the next
        }
      }
      for (Socket c : held) {
        try {
          c.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }, answer ? "answering-server" : "silent-server");
    t.setDaemon(true);
    t.start();
    return s;
  }

  /** Reads a request head up to its blank line, answers 200 with an empty body and closes. */
  private static void answer(Socket c) throws IOException {
    try (c) {
      InputStream in = c.getInputStream();
      int tail = 0;
      while (tail != 0x0d0a0d0a) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        tail = (tail << 8) | b;
      }
      c.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void once_exitStatusIsTheVerdict_andASilentServerEndsByTheTimeout() throws Exception {
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket silent = silentServer();
        ServerSocket answering = server(true)) {
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

      // the same CLI's HTTP check, answered at once: its elapsed_ms is this run's cold start of a check (the loop
      // thread's first task, class loading), which a loaded host lengthens and the check below pays as well
      Result answered = run("check", "http", "http://127.0.0.1:" + answering.getLocalPort() + "/", "--once",
          "--timeout", "0.5");
      assertEquals(0, answered.exit(), answered.out() + answered.err());
      long coldMs = elapsedMs(answered.out());
      Timed timed = runTimed("check", "http", "http://127.0.0.1:" + silent.getLocalPort() + "/", "--once",
          "--timeout", "0.5");
      Result timeout = timed.result();
      assertEquals(1, timeout.exit(), timeout.out() + timeout.err());
      assertTrue(timeout.out().contains("\"result\":\"down\",\"reason\":\"timeout\""), timeout.out());
      // the check's own time from its own clock (no JVM start in it): never cut short, and over by its deadline
      long ms = elapsedMs(timeout.out());
      assertTrue(ms >= 500 && ms - coldMs <= 500 + GRACE_MS, "a 0.5 s check took " + ms + " ms, a cold check "
          + coldMs + " ms: " + timeout.out());
      // and the process ends right after its verdict, though the server still holds the connection open
      long endMs = TimeUnit.NANOSECONDS.toMillis(timed.endedNanos() - timed.firstOutputNanos());
      assertTrue(endMs <= GRACE_MS, "the process ended " + endMs + " ms after its verdict");

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
