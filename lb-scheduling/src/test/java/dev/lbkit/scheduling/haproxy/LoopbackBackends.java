package dev.lbkit.scheduling.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Tiny loopback servers {@code s1..sN} for the differential test: each answers an HTTP request (or an RDP
 * connection request in TCP mode) with its own name and closes. A request carrying {@code X-Hold: token} is
 * answered only once the test releases that token, so it stays in flight on its server.
 */
final class LoopbackBackends implements AutoCloseable {
  private final List<ServerSocket> sockets = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "loopback-backend");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, String> arrivedAt = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> arrivals = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();
  private volatile boolean closed;

  LoopbackBackends(int count) throws IOException {
    for (int i = 1; i <= count; i++) {
      ServerSocket ss = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      sockets.add(ss);
      String name = "s" + i;
      pool.execute(() -> acceptLoop(ss, name));
    }
  }

  /** The port of server {@code s<n>}. */
  int port(int n) {
    return sockets.get(n - 1).getLocalPort();
  }

  private void acceptLoop(ServerSocket ss, String name) {
    while (!closed) {
      try {
        Socket s = ss.accept();
        pool.execute(() -> serve(s, name));
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException("backend " + name + " stopped accepting", e);
        }
      }
    }
  }

  private void serve(Socket socket, String name) {
    try (socket) {
      socket.setSoTimeout(30_000);
      InputStream in = socket.getInputStream();
      int first = in.read();
      if (first < 0) {
        return;
      }
      OutputStream out = socket.getOutputStream();
      if (first == 0x03) { // TPKT: an RDP connection request
        byte[] header = in.readNBytes(3);
        int length = ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        in.readNBytes(Math.max(0, length - 4));
        out.write(name.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return;
      }
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      head.write(first);
      while (!endsWithBlankLine(head)) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.write(b);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      String hold = null;
      for (String line : text.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("x-hold:")) {
          hold = line.substring("x-hold:".length()).trim();
        }
      }
      if (hold != null) {
        arrivedAt.put(hold, name);
        arrivals.computeIfAbsent(hold, k -> new CountDownLatch(1)).countDown();
        if (!releases.computeIfAbsent(hold, k -> new CountDownLatch(1)).await(30, TimeUnit.SECONDS)) {
          return;
        }
      }
      byte[] body = name.getBytes(StandardCharsets.US_ASCII);
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    } catch (IOException e) {
      // the client or haproxy went away; nothing to answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean endsWithBlankLine(ByteArrayOutputStream b) {
    byte[] a = b.toByteArray();
    int n = a.length;
    return n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n';
  }

  /** The server the held request reached within {@code millis}, or null if it has not (yet). */
  String arrival(String token, long millis) throws InterruptedException {
    if (!arrivals.computeIfAbsent(token, k -> new CountDownLatch(1)).await(millis, TimeUnit.MILLISECONDS)) {
      return null;
    }
    return arrivedAt.get(token);
  }

  /** Lets the held request with this token be answered. */
  void release(String token) {
    releases.computeIfAbsent(token, k -> new CountDownLatch(1)).countDown();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    releases.values().forEach(CountDownLatch::countDown);
    IOException first = null;
    for (ServerSocket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    pool.shutdownNow();
    if (first != null) {
      throw first;
    }
  }
}
