package dev.lbkit.healthcheck;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** This JVM's file descriptors and threads, for leak assertions. */
public final class Resources {
  private Resources() {}

  /** Open file descriptors of this process (Linux /proc). */
  public static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    if (fds == null) {
      throw new IllegalStateException("/proc/self/fd is not readable; these tests need Linux");
    }
    return fds.length;
  }

  /**
   * Waits up to five seconds for the descriptor count to drop to {@code expected} (a closed channel is released at
   * its selector's next select) and returns the last count seen.
   */
  public static int openFdsSettlingTo(int expected) throws InterruptedException {
    int n = openFds();
    for (int i = 0; i < 100 && n > expected; i++) {
      Thread.sleep(50);
      n = openFds();
    }
    return n;
  }

  /** Each open file descriptor of this process with what it points to ({@code socket:[123]}, a jar, ...). */
  public static Map<String, String> fdTargets() {
    Map<String, String> out = new TreeMap<>();
    String[] fds = new File("/proc/self/fd").list();
    if (fds == null) {
      throw new IllegalStateException("/proc/self/fd is not readable; these tests need Linux");
    }
    for (String fd : fds) {
      try {
        out.put(fd, Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString());
      } catch (IOException e) {
        // closed meanwhile (or the directory listing's own descriptor)
      }
    }
    return out;
  }

  /** The descriptors open in {@code after} that were not open, or pointed elsewhere, in {@code before}. */
  public static Map<String, String> added(Map<String, String> before, Map<String, String> after) {
    Map<String, String> out = new TreeMap<>();
    after.forEach((fd, target) -> {
      if (!target.equals(before.get(fd))) {
        out.put(fd, target);
      }
    });
    return out;
  }

  /** Live threads of this JVM. */
  public static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** Bytes allocated so far by a thread (HotSpot). */
  public static long allocatedBytes(Thread t) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    return mx.getThreadAllocatedBytes(t.getId());
  }

  /** The thread with this name. */
  public static Thread thread(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no thread named " + name));
  }
}
