package dev.lbkit.healthcheck.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A loopback HTTP server that records every request exactly as received (head and, by its content-length, body)
 * and answers what {@code reply} says for the request line. One thread, one connection at a time.
 */
final class CapturingBackend implements AutoCloseable {
  private final ServerSocket server;
  private final List<byte[]> requests = new CopyOnWriteArrayList<>();

  CapturingBackend(Function<String, String> reply) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket c = server.accept()) {
          c.setSoTimeout(3000);
          byte[] request = readRequest(c.getInputStream());
          requests.add(request);
          String line = new String(request, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
          OutputStream out = c.getOutputStream();
          out.write(reply.apply(line).getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } catch (IOException e) {
          if (server.isClosed()) {
            return;
          } // else one bad connection: go on with the next
        }
      }
    }, "capturing-backend");
    t.setDaemon(true);
    t.start();
  }

  private static byte[] readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int tail = 0;
    while (tail != 0x0d0a0d0a) {
      int c = in.read();
      if (c < 0) {
        return b.toByteArray();
      }
      b.write(c);
      tail = (tail << 8) | c;
    }
    int length = 0;
    for (String h : new String(b.toByteArray(), StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(15).trim());
      }
    }
    b.write(in.readNBytes(length));
    return b.toByteArray();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The requests received so far, oldest first. */
  List<byte[]> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
