package dev.lbkit.vrrp.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Drives the project's own lab script ({@code lab/vrrp/vrrp-lab}) from JUnit: namespaces on a bridge, keepalived
 * peers, and {@link LabNode} processes running lbkit's engine. Each lab gets its own namespace prefix; {@link #close()}
 * stops what it started (by PID) and deletes its namespaces.
 */
public final class Lab implements AutoCloseable {
  private static final long MS = 1_000_000L;
  private final Path script;
  private final String prefix;
  private final List<Node> nodes = new ArrayList<>();

  private Lab(Path script, String prefix) {
    this.script = script;
    this.prefix = prefix;
  }

  /**
   * Creates {@code routers} namespaces named {@code BASE<pid>r1..N}: the test JVM's pid keeps two builds on one
   * machine out of each other's namespaces, and the closing letter keeps one prefix from matching another's
   * namespaces. Fails (does not skip) without root or keepalived: CI installs them.
   */
  public static Lab up(String base, int routers) {
    String prefix = base + ProcessHandle.current().pid() + "r";
    if (!"root".equals(System.getProperty("user.name"))) {
      fail("the VRRP interop ITs need root (network namespaces, raw sockets); run as root");
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/keepalived"))) {
      fail("keepalived is missing: .ci/install installs the Debian package");
    }
    Path script = Path.of("").toAbsolutePath().getParent().resolve("lab/vrrp/vrrp-lab");
    if (!Files.isExecutable(script)) {
      fail("lab script not found at " + script);
    }
    Lab lab = new Lab(script, prefix);
    lab.run("down");
    lab.run("up", Integer.toString(routers));
    return lab;
  }

  public String ns(int i) {
    return prefix + i;
  }

  /** The lab's IPv4 address of router i. */
  public static String ip(int i) {
    return "10.98.0." + i;
  }

  /** Runs a lab command; returns stdout; fails with the output on a non-zero status unless allowed. */
  public String run(String... args) {
    return run(List.of(0), args).output;
  }

  /** Result of a lab command. */
  public record Result(int status, String output) {}

  public Result run(List<Integer> allowed, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(script.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("VRRP_LAB_PREFIX", prefix);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("lab " + String.join(" ", args) + " did not finish in 60 s");
      }
      if (!allowed.contains(p.exitValue())) {
        fail("lab " + String.join(" ", args) + " exited " + p.exitValue() + ": " + out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Namespaces holding the address, as {@code vip-owner} sees them. */
  public String owners(String vip) {
    return run(List.of(0, 1, 2), "vip-owner", vip).output.strip();
  }

  /** Polls every 5 ms until exactly {@code ns} holds the VIP; returns the System.nanoTime it was seen. */
  public long awaitOwner(String vip, String ns, long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * MS;
    String last = "";
    while (System.nanoTime() < deadline) {
      last = owners(vip);
      if (last.equals(ns)) {
        return System.nanoTime();
      }
      sleepMs(5);
    }
    return fail("after " + timeoutMs + " ms " + vip + " is held by [" + last + "], expected [" + ns + "]");
  }

  public static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts keepalived in router i with lab options. */
  public void keepalived(int i, String... options) {
    List<String> a = new ArrayList<>(List.of("keepalived", ns(i)));
    a.addAll(List.of(options));
    run(a.toArray(new String[0]));
  }

  /** The keepalived log of router i. */
  public String keepalivedLog(int i) {
    try {
      return Files.readString(Path.of("/tmp/vrrp-lab-" + prefix, ns(i), "keepalived.log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** Polls keepalived's log in router i every 50 ms until it contains {@code line}; fails after {@code timeoutMs}. */
  public void awaitKeepalivedLog(int i, String line, long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * MS;
    while (!keepalivedLog(i).contains(line)) {
      if (System.nanoTime() >= deadline) {
        fail("after " + timeoutMs + " ms no '" + line + "' in keepalived's log of " + ns(i) + ":\n" + keepalivedLog(i));
      }
      sleepMs(50);
    }
  }

  /**
   * The state keepalived in router i entered last, from its log ({@code Entering MASTER STATE}): MASTER, BACKUP or
   * FAULT; empty if it entered none yet.
   */
  public String keepalivedState(int i) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Entering ([A-Z]+) STATE").matcher(keepalivedLog(i));
    String last = "";
    while (m.find()) {
      last = m.group(1);
    }
    return last;
  }

  /** Starts a {@link LabNode} in router i; waits until it printed READY. */
  public Node node(int i, String... args) {
    return java(i, List.of(), LabNode.class, args);
  }

  /** Starts a {@link LabNode} in router i through a wrapper command, such as setpriv dropping a capability. */
  public Node nodeVia(int i, List<String> wrapper, String... args) {
    return java(i, wrapper, LabNode.class, args);
  }

  /** Starts a {@link LabAgeProbe} in router i; waits until it opened the transport. */
  public Node ageProbe(int i, long sleepMs) {
    return java(i, List.of(), LabAgeProbe.class, Long.toString(sleepMs));
  }

  /** Starts a {@link LabAdvertiser} in router i; waits until it opened the transport. */
  public Node advertiser(int i, String... args) {
    return java(i, List.of(), LabAdvertiser.class, args);
  }

  /** Starts a {@link LabSignaller} in router i; waits until it opened the transport. Commands go to its stdin. */
  public Node signaller(int i) {
    // as the VIP watcher: a signal sent late shortens that trial's "signal → VIP" by as much (lab runs 48-50: 1-21 ms
    // late in either Backup's trials)
    return java(i, List.of("setsid"), LabSignaller.class, true);
  }

  /** The process group of the lab's keepalived in router i (keepalived leads its own group, started by setsid). */
  public long keepalivedGroup(int i) {
    try {
      return Long.parseLong(Files.readString(Path.of("/tmp/vrrp-lab-" + prefix, ns(i), "keepalived-main.pid"))
          .strip());
    } catch (IOException | NumberFormatException e) {
      return fail("no keepalived-main.pid in " + ns(i) + ": " + e);
    }
  }

  /** Starts a {@link LabVipWatch} in router i; waits until it subscribed. */
  public Node vipWatch(int i) {
    // a session (and so, with autogroup scheduling, a CPU share) of its own, as keepalived has, and its reading thread
    // SCHED_FIFO (LabRealtime): it must not queue behind the harness's threads or a Backup's, or it stamps the VIP
    // late for one Backup only (lab runs 47-50: up to 2.6 ms, mostly in lbkit's trials)
    return java(i, List.of("setsid"), LabVipWatch.class);
  }

  /**
   * Starts tcpdump of IP protocol 112 on the bridge (it sees the whole segment), nanosecond time stamps, into
   * {@code file} (its messages into {@code file}.err), and returns once it listens; stop it with
   * {@link #stopCapture(Process)} before reading the file.
   */
  public Process capture(Path file) {
    return capture(file, "ip proto 112");
  }

  /** As {@link #capture(Path)}, with a tcpdump filter of the caller's. */
  public Process capture(Path file, String filter) {
    try {
      Path err = Path.of(file + ".err");
      // --immediate-mode: without it libpcap (TPACKET_V3) hands packets over in blocks, retired when full or after
      // tcpdump's 1 s timeout, and tcpdump drops the block still open at SIGTERM: up to the last second of the
      // capture was never written (VrrpCommandIT saw it happen to lbkit's priority-0 advert). With it each packet is
      // handed over as it comes, and -U writes it out at once. The time stamps are the kernel's either way
      Process p = new ProcessBuilder("ip", "netns", "exec", prefix + "-br", "tcpdump", "-i", "br0", "-U", "-n",
          "--immediate-mode", "--time-stamp-precision=nano", "-w", file.toString(), filter)
          .redirectErrorStream(true).redirectOutput(err.toFile()).start();
      // tcpdump says "listening on" once its filter is on the socket: a capture started before that misses packets
      long deadline = System.nanoTime() + 10_000 * MS;
      while (p.isAlive() && !Files.readString(err).contains("listening on") && System.nanoTime() < deadline) {
        sleepMs(20);
      }
      if (!Files.readString(err).contains("listening on")) {
        p.destroy();
        fail("tcpdump on the lab's bridge did not start listening: " + Files.readString(err));
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops a {@link #capture}: SIGTERM to tcpdump (the PID we started; ip netns exec execs it), then waits until it
   * has ended, so that the file holds every packet tcpdump took in and no half-written record when this returns.
   * Only packets that reach the bridge in the last moments before the signal, while tcpdump waits for a CPU, can
   * still be missing: stop it a little after the last event a test looks at.
   */
  public static void stopCapture(Process capture) {
    capture.destroy();
    try {
      if (!capture.waitFor(10, TimeUnit.SECONDS)) {
        capture.destroyForcibly();
        fail("tcpdump did not end within 10 s of SIGTERM");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Deletes a stopped {@link #capture}'s file and the messages file tcpdump wrote beside it. */
  public static void deleteCapture(Path file) throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + ".err"));
  }

  /** Process ids of the lab's keepalived in router i (parent and VRRP child), for CPU accounting. */
  public List<Long> keepalivedPids(int i) {
    List<Long> out = new ArrayList<>();
    for (String f : List.of("keepalived.pid", "vrrp.pid")) {
      try {
        out.add(Long.parseLong(Files.readString(Path.of("/tmp/vrrp-lab-" + prefix, ns(i), f)).strip()));
      } catch (IOException | NumberFormatException e) {
        fail("no keepalived pid file " + f + " in " + ns(i) + ": " + e);
      }
    }
    return out;
  }

  private Node java(int i, List<String> wrapper, Class<?> main, String... args) {
    return java(i, wrapper, main, false, args);
  }

  private Node java(int i, List<String> wrapper, Class<?> main, boolean keepStdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(i)));
    cmd.addAll(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String extra = System.getProperty("vrrp.lab.nodeJvmArgs", "");
    if (main == LabNode.class && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+"))); // e.g. a JIT log of the lbkit routers
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        main.getName()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      if (!keepStdin) {
        p.getOutputStream().close();
      }
      Node n = new Node(p, ns(i));
      nodes.add(n);
      n.awaitLine("READY", 20_000);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running LabNode: its output lines arrive on a queue. */
  public static final class Node {
    final Process process;
    final String ns;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

    Node(Process process, String ns) {
      this.process = process;
      this.ns = ns;
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            all.add(line);
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("EOF " + e);
        }
      }, "labnode-" + ns);
      t.setDaemon(true);
      t.start();
    }

    /** Writes one line to the process's stdin (a {@link LabSignaller} command). */
    public void send(String line) {
      try {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Waits for the next line starting with {@code prefix}, skipping others. */
    public String awaitLine(String prefix, long timeoutMs) {
      long deadline = System.nanoTime() + timeoutMs * MS;
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
          if (l == null) {
            return fail("node in " + ns + ": no '" + prefix + "' line in " + timeoutMs + " ms; output " + all);
          }
          if (l.startsWith(prefix)) {
            return l;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Waits for a transition to {@code to} and returns its System.nanoTime stamp. */
    public long awaitState(String to, long timeoutMs) {
      long deadline = System.nanoTime() + timeoutMs * MS;
      while (true) {
        long left = (deadline - System.nanoTime()) / MS;
        String l = awaitLine("STATE ", Math.max(1, left));
        String[] f = l.split(" ", 6);
        if (f[2].equals(to)) {
          return Long.parseLong(f[3]);
        }
      }
    }

    /**
     * Runs {@code fault}, then watches this Backup for {@code ms}: fails if it took over meanwhile (a fault that the
     * RFC's timers must ride out, such as adverts delayed by less than the Master_Down_Interval's slack).
     */
    public void assertNoTakeover(Runnable fault, long ms) {
      int before = all.size();
      fault.run();
      sleepMs(ms);
      List<String> out = output();
      List<String> since = out.subList(before, out.size());
      if (since.stream().anyMatch(l -> l.startsWith("STATE BACKUP MASTER"))) {
        fail("node in " + ns + " took over during the fault: " + since);
      }
    }

    /** The state of the last transition this node printed ({@code STATE from to ...}), or empty before any. */
    public String lastState() {
      List<String> states = output().stream().filter(l -> l.startsWith("STATE ")).toList();
      return states.isEmpty() ? "" : states.get(states.size() - 1).split(" ")[2];
    }

    /** The PID of the process (the JVM: ip netns exec execs it). */
    public long pid() {
      return process.pid();
    }

    /** Forgets lines not yet awaited, so a later await sees only what happens from now on. */
    public void drain() {
      lines.clear();
    }

    /** The lines printed so far. */
    public List<String> output() {
      return List.copyOf(all);
    }

    /** Waits for the process to end by itself; returns the exit status. */
    public int awaitExit(long timeoutMs) {
      try {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
          return fail("node in " + ns + " still runs after " + timeoutMs + " ms: " + all);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return process.exitValue();
    }

    /** SIGTERM (by the PID we started), then waits for exit; returns the exit status. */
    public int terminate() {
      return signalAndWait(false);
    }

    /** SIGKILL, like a crash. */
    public int kill() {
      return signalAndWait(true);
    }

    private int signalAndWait(boolean kill) {
      // ip netns exec execs java, so the PID we started is the JVM itself
      ProcessHandle h = process.toHandle();
      if (kill) {
        h.destroyForcibly();
      } else {
        h.destroy();
      }
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return fail("node in " + ns + " did not exit within 15 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return process.exitValue();
    }

    public boolean alive() {
      return process.isAlive();
    }
  }

  /** Deletes an address by hand, as a dead host's would vanish. */
  public void deleteAddress(int i, String cidr) {
    run(List.of(0, 2), "exec", ns(i), "ip", "addr", "del", cidr, "dev", "eth0");
  }

  /**
   * Kills the lbkit nodes still running (by the PIDs started), so a test that failed half-way leaves none behind
   * that would advertise into the next test.
   */
  public void killNodes() {
    for (Node n : nodes) {
      if (n.alive()) {
        n.kill();
      }
    }
  }

  @Override
  public void close() {
    killNodes();
    run("down");
  }

  /** Fails unless exactly one namespace holds the VIP. */
  public void assertSingleOwner(String vip, String expected) {
    assertEquals(expected, owners(vip), "holders of " + vip);
  }
}
