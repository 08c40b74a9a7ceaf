package dev.lbkit.healthcheck.internal.linux;

import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * What one JNA direct call costs on the epoll connect path, against C: {@code connect(-1, addr, 16)} fails at once
 * with EBADF, so a loop of them is the call path and the kernel's entry and exit, nothing else. Run with the test
 * classes and JNA on the class path; compare {@code benchmarks/src/main/c/syscall-cost.c}. A probe, not a test:
 * docs/benchmarks.md ("Allocation-free checks") has its numbers.
 */
public final class JnaCallCostProbe {
  private JnaCallCostProbe() {}

  public static void main(String[] args) {
    ByteBuffer b = ByteBuffer.allocateDirect(16);
    long addr = LinuxSyscalls.address(b);
    int n = 5_000_000;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      long sum = 0;
      for (int i = 0; i < n; i++) {
        sum += LinuxSyscalls.connect(-1, addr, 16);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sum += LinuxSyscalls.connect(-1, addr, 16);
        sum += Native.getLastError();
      }
      long t2 = System.nanoTime();
      System.out.printf(Locale.ROOT, "round %d: JNA connect(-1) %.1f ns/call, with getLastError %.1f ns (%d)%n",
          round, (t1 - t0) / (double) n, (t2 - t1) / (double) n, sum);
    }
  }
}
