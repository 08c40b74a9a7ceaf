package dev.lbkit.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Small real HTTP servers on 127.0.0.1 (ephemeral ports) for the demo; each answers 200 with its name. */
final class DemoBackends implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();
  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "demo-backend");
    t.setDaemon(true);
    return t;
  });

  DemoBackends(int count) throws IOException {
    for (int i = 0; i < count; i++) {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      String body = "backend " + (i + 1) + "\n";
      s.createContext("/", exchange -> {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      s.setExecutor(executor);
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
    executor.shutdownNow();
  }
}
