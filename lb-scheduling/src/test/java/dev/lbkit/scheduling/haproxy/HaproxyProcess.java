package dev.lbkit.scheduling.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real haproxy started in the foreground ({@code haproxy -db -f cfg}) from its own configuration in a temporary
 * directory, with an admin stats socket there; stopped by its PID.
 */
final class HaproxyProcess implements AutoCloseable {
  private final Process process;
  private final Path socket;
  private final Path log;

  private HaproxyProcess(Process process, Path socket, Path log) {
    this.process = process;
    this.socket = socket;
    this.log = log;
  }

  /** The haproxy binary: on the PATH or in /usr/sbin. */
  static String binary() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin").split(
        File.pathSeparator)) {
      Path p = Path.of(dir, "haproxy");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException("haproxy is not installed (Debian package 'haproxy'; .ci/install adds it)");
  }

  static String version() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary(), "-v").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out.lines().findFirst().orElse("");
  }

  /**
   * Starts haproxy with {@code global} (socket line added here), then the given sections.
   *
   * @param dir a fresh temporary directory
   */
  static HaproxyProcess start(Path dir, String sections) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path socket = dir.resolve("admin.sock");
    // noreuseport: a port another process holds makes startup fail instead of sharing connections with it
    String cfg = "global\n    nbthread 1\n    noreuseport\n    stats socket " + socket
        + " mode 600 level admin\n    stats timeout 1h\n\n" + sections;
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, cfg);
    Path log = dir.resolve("haproxy.log");
    Process p = new ProcessBuilder(binary(), "-db", "-f", file.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    HaproxyProcess hp = new HaproxyProcess(p, socket, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("haproxy exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      if (Files.exists(socket)) {
        try {
          if (hp.command("show info").contains("Pid:")) {
            return hp;
          }
        } catch (IOException e) {
          // not listening yet
        }
      }
      if (System.nanoTime() > deadline) {
        hp.close();
        throw new IllegalStateException("haproxy did not come up in 15 s:\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  /** Sends one runtime API command and returns the answer, trimmed. */
  String command(String command) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) >= 0) {
        buf.flip();
        out.write(buf.array(), 0, buf.limit());
        buf.clear();
      }
      return out.toString(StandardCharsets.UTF_8).trim();
    }
  }

  /** Current sessions ({@code scur}) per server of a backend, from {@code show stat}. */
  Map<String, Integer> currentSessions(String backend) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    List<String> lines = new ArrayList<>(command("show stat").lines().toList());
    for (String line : lines) {
      String[] f = line.split(",", -1);
      if (f.length > 4 && f[0].equals(backend) && !f[1].equals("BACKEND") && !f[1].equals("FRONTEND")) {
        out.put(f[1], Integer.parseInt(f[4]));
      }
    }
    return out;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM to this PID only
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
