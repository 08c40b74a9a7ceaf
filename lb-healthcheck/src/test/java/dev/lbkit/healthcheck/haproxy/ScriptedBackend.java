package dev.lbkit.healthcheck.haproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A loopback HTTP server whose n-th request is answered by the n-th entry of a script (true: 200, false: 503; past
 * the end, the last entry). Before answering it asks {@code observer} for the checker's state, which is then the
 * state produced by all earlier checks: HAProxy and lbkit both judge a check only after its answer, and schedule the
 * next one only after that. So the state is placed exactly between two checks, whatever the machine's load.
 */
final class ScriptedBackend implements AutoCloseable {
  /**
   * One check as the backend saw it: when it arrived, the checker's state then, the answer it got, and when the
   * answer was about to be written. The checker starts its next interval only after reading the answer, so the next
   * arrival minus {@code answerNanos} is never shorter than the interval the checker waited: a late reading of the
   * clock on this side (a stall of the accept thread on a loaded machine) can only lengthen it.
   */
  record Arrival(long nanos, String stateBefore, boolean passed, long answerNanos) {}

  private final ServerSocket server;
  private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

  ScriptedBackend(List<Boolean> script, Supplier<String> observer) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        long now = 0;
        String state = null;
        boolean pass = false;
        long answer = 0;
        try (Socket c = server.accept()) {
          now = System.nanoTime();
          c.setSoTimeout(3000);
          readHead(c.getInputStream());
          state = observer.get();
          pass = script.get(Math.min(arrivals.size(), script.size() - 1));
          OutputStream out = c.getOutputStream();
          answer = System.nanoTime();
          out.write((pass ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.0 503 Service Unavailable\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.write("Content-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException e) {
          if (server.isClosed()) {
            return;
          } // else one bad connection: go on with the next
        }
        if (state != null) {
          arrivals.add(new Arrival(now, state, pass, answer));
        }
      }
    }, "scripted-backend");
    t.setDaemon(true);
    t.start();
  }

  /** Reads a request head up to its blank line (or the end of the stream); the HAProxy ITs' backends share it. */
  static void readHead(InputStream in) throws IOException {
    int tail = 0;
    while (tail != 0x0d0a0d0a) {
      int c = in.read();
      if (c < 0) {
        return;
      }
      tail = (tail << 8) | c;
    }
  }

  int port() {
    return server.getLocalPort();
  }

  List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
