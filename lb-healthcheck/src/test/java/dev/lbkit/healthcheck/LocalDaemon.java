package dev.lbkit.healthcheck;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

  /**
   * A loopback address of this JVM's own, for a daemon that listens on a fixed port: 127.64.0.0/10 plus the process
   * id, which no other running process has (pid_max is at most 2^22). Another test run beside this one (another
   * worktree's build) gets another address, and a fixed port below the ephemeral range (32768 and up) is never handed
   * to a socket bound to port 0, so nothing else can take the daemon's address and port before or after it runs.
   * A port found by opening and closing a socket can be taken by anyone before the daemon binds it.
   */
  public static InetAddress ownLoopbackAddress() {
    long pid = ProcessHandle.current().pid();
    if (pid >= 1 << 22) {
      throw new IllegalStateException("process id " + pid + " does not fit 22 bits");
    }
    byte[] a = {127, (byte) (64 | pid >> 16), (byte) (pid >> 8), (byte) pid};
    try {
      return InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e); // four bytes are always an address
    }
  }

  /** Waits up to 20 seconds until the daemon accepts TCP connections on {@code address}. */
  public void awaitTcp(InetSocketAddress address) throws IOException, InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (!process.isAlive()) {
        throw new IOException("daemon exited with " + process.exitValue() + " before listening on " + address);
      }
      try {
        new Socket(address.getAddress(), address.getPort()).close();
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("daemon did not listen on " + address + " within 20s");
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
