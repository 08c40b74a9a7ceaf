package dev.lbkit.healthcheck;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real daemon (dnsmasq, python's smtpd) started by a test on loopback and stopped by its PID. */
public final class LocalDaemon implements AutoCloseable {
  private final Process process;

  private LocalDaemon(Process process) {
    this.process = process;
  }

  /** Starts {@code command}; its output goes to target/daemon-NAME.log. */
  public static LocalDaemon start(String name, List<String> command) throws IOException {
    File log = new File("target/daemon-" + name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    return new LocalDaemon(p);
  }

  /** A TCP port that was free a moment ago. */
  public static int freeTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A UDP port that was free a moment ago. */
  public static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits up to 20 seconds until the daemon accepts TCP connections on {@code port}. */
  public void awaitTcp(int port) throws IOException, InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (!process.isAlive()) {
        throw new IOException("daemon exited with " + process.exitValue() + " before listening on " + port);
      }
      try {
        new Socket(InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("daemon did not listen on " + port + " within 20s");
  }

  /** Whether it still runs. */
  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
