package dev.lbkit.healthcheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace behind a veth pair, and an address routed into it that never answers: the host has a
 * permanent neighbour entry for it with a MAC address nobody owns, so SYNs leave on the veth and the namespace
 * drops them (wrong destination MAC), and no ICMP or RST ever comes back. Needs root and iproute2; removes
 * everything it made on {@link #close()}.
 */
public final class BlackholeNetns implements AutoCloseable {
  private final String ns;
  private final String hostIf;
  private final String nsIf;
  private final String subnet;

  /** The address that never answers. */
  public final String blackhole;

  public BlackholeNetns() throws IOException {
    long pid = ProcessHandle.current().pid();
    int tag = (int) (pid % 50_000);
    this.ns = "lbkit-hc-" + pid;
    this.hostIf = "hcb" + tag + "a";
    this.nsIf = "hcb" + tag + "b";
    int third = (int) (pid % 250) + 1;
    this.subnet = "10.213." + third + ".";
    this.blackhole = subnet + "6";
    ip("netns", "add", ns);
    try {
      ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf, "netns", ns);
      ip("addr", "add", subnet + "1/29", "dev", hostIf);
      ip("link", "set", hostIf, "up");
      ip("-n", ns, "addr", "add", subnet + "2/29", "dev", nsIf);
      ip("-n", ns, "link", "set", nsIf, "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("neigh", "replace", blackhole, "lladdr", "02:00:5e:00:53:01", "dev", hostIf, "nud", "permanent");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private static void ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("ip");
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean exited;
    try {
      exited = p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", cmd), e);
    }
    if (!exited || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed (needs root and iproute2): " + out.trim());
    }
  }

  @Override
  public void close() throws IOException {
    try {
      ip("link", "del", hostIf); // removes the peer in the namespace too
    } catch (IOException e) {
      // it may never have been made; the namespace removal below is what matters
    }
    ip("netns", "del", ns);
  }
}
