package dev.lbkit.director;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Real HTTP servers on 127.0.0.1, ephemeral ports, answering 200 on /health; stopped by the test. */
final class LoopbackBackends implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();

  LoopbackBackends(int count) throws IOException {
    for (int i = 0; i < count; i++) {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      String name = "backend-" + i;
      s.createContext("/", exchange -> {
        byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      s.start();
      servers.add(s);
    }
  }

  int port(int i) {
    return servers.get(i).getAddress().getPort();
  }

  void stop(int i) {
    servers.get(i).stop(0);
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
  }
}
