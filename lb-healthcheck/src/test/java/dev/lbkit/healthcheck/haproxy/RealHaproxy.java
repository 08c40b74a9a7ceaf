package dev.lbkit.healthcheck.haproxy;

import dev.lbkit.healthcheck.Await;
import dev.lbkit.healthcheck.LocalDaemon;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real HAProxy (Debian's 2.6, see .ci/install) run by a test as a {@link LocalDaemon} (log in
 * target/daemon-haproxy.log), with an admin socket for its runtime API. The config given is appended to a
 * {@code global} section that declares the socket (which is the listener HAProxy requires).
 */
final class RealHaproxy implements AutoCloseable {
  /** {@code show stat} columns (HAProxy's management guide, section 9.1). */
  static final int STATUS = 17;
  static final int WEIGHT = 18;
  static final int CHECK_STATUS = 36;
  static final int AGENT_STATUS = 62;

  private final Path sock;
  private final LocalDaemon daemon;

  RealHaproxy(String config) throws IOException {
    Path dir = Files.createTempDirectory("lbkit-hc-haproxy");
    sock = dir.resolve("admin.sock");
    Files.writeString(dir.resolve("haproxy.cfg"), "global\n  stats socket " + sock + " mode 600 level admin\n\n"
        + config);
    daemon = LocalDaemon.start("haproxy", List.of("haproxy", "-db", "-f", dir.resolve("haproxy.cfg").toString()));
  }

  /** {@code show stat} server rows by backend name, empty until the socket is there. */
  Map<String, String[]> stat() throws IOException {
    Map<String, String[]> rows = new LinkedHashMap<>();
    for (String line : command("show stat").split("\n")) {
      String[] f = line.split(",", -1);
      if (f.length > AGENT_STATUS && f[1].equals("s")) {
        rows.put(f[0], f);
      }
    }
    return rows;
  }

  /**
   * Waits until HAProxy lists {@code servers} servers and has judged each: neither its health check nor its agent
   * still in its initial state ({@code INI}, or {@code * INI} while the first check runs), so each has finished a
   * check of every kind it has. With {@code rise 1 fall 1} and backends that always answer the same, that state is
   * final. Returns the rows then; after {@link Await#HANG_GUARD}, the last rows seen.
   */
  Map<String, String[]> awaitJudged(int servers) throws IOException, InterruptedException {
    long guard = System.nanoTime() + Await.HANG_GUARD.toNanos();
    Map<String, String[]> rows = stat();
    while (!(rows.size() >= servers && rows.values().stream()
        .noneMatch(r -> r[CHECK_STATUS].contains("INI") || r[AGENT_STATUS].contains("INI")))
        && System.nanoTime() < guard) {
      Thread.sleep(20);
      rows = stat();
    }
    return rows;
  }

  /** One runtime API command's whole answer; empty until the socket is there. */
  String command(String command) throws IOException {
    if (!daemon.alive()) {
      throw new IllegalStateException("haproxy exited; see target/daemon-haproxy.log");
    }
    if (!Files.exists(sock)) {
      return "";
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(sock));
      ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
      StringBuilder text = new StringBuilder();
      ByteBuffer buf = ByteBuffer.allocate(16384);
      while (ch.read(buf) >= 0) {
        buf.flip();
        text.append(StandardCharsets.UTF_8.decode(buf));
        buf.clear();
      }
      return text.toString();
    }
  }

  @Override
  public void close() {
    daemon.close();
  }
}
