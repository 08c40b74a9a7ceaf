package dev.lbkit.vrrp.lab;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.LinuxVrrp;
import dev.lbkit.vrrp.internal.codec.AuthenticationHeader;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Signals a process at a chosen phase of a Master's advertisement cycle, so two failover measurements can see the
 * same phases. Runs in a lab namespace on the segment and receives its VRRP through lbkit's Linux transport (kernel
 * receive time stamps). For each stdin line {@code SIGNAL PID SIG OFFSET_NANOS MASTER_IP} (a negative PID signals a
 * process group) it waits for the next advertisement of MASTER_IP with a non-zero priority (plain VRRP or keepalived's
 * IPsec-AH form, whose priority follows the AH header; the ICV is not checked), signals at its arrival
 * plus OFFSET_NANOS and prints {@code SIGNALLED nanoTime arrivalNanoTime status}; System.nanoTime is CLOCK_MONOTONIC,
 * comparable across the lab's processes.
 */
public final class LabSignaller {
  private LabSignaller() {}

  /** kill(2). */
  interface C extends Library {
    int kill(int pid, int sig);
  }

  public static void main(String[] args) throws Exception {
    C c = Native.load("c", C.class);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (VrrpTransport t = LinuxVrrp.transport()) {
      t.open("eth0", AddressFamily.IPV4);
      t.openAuthenticationHeader("eth0");
      LabRealtime.raiseCallingThread();
      System.out.println("READY " + System.nanoTime());
      System.out.flush();
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(" ");
        int pid = Integer.parseInt(f[1]);
        int sig = Integer.parseInt(f[2]);
        long offset = Long.parseLong(f[3]);
        InetAddress master = InetAddress.getByName(f[4]);
        while (t.receive(Duration.ZERO).isPresent()) {
          // what was queued is older than this command: wait for a fresh advertisement
        }
        long arrival = 0;
        long giveUp = System.nanoTime() + 5_000_000_000L;
        while (arrival == 0 && System.nanoTime() < giveUp) {
          Optional<VrrpDatagram> d = t.receive(Duration.ofMillis(500));
          int priorityAt = d.isEmpty() ? -1 : d.get().authenticated() ? AuthenticationHeader.LENGTH + 2 : 2;
          if (d.isPresent() && d.get().source().equals(master) && d.get().payload().length > priorityAt
              && d.get().payload()[priorityAt] != 0) {
            arrival = System.nanoTime() - d.get().age().toNanos();
          }
        }
        if (arrival == 0) {
          System.out.println("NOADVERT");
          System.out.flush();
          continue;
        }
        long at = arrival + offset;
        long left;
        while ((left = at - System.nanoTime()) > 300_000) {
          LockSupport.parkNanos(left - 300_000);
        }
        while (System.nanoTime() < at) {
          Thread.onSpinWait(); // the last 0.3 ms on the CPU: a sleep would wake late by more than that
        }
        long now = System.nanoTime();
        int status = c.kill(pid, sig);
        System.out.println("SIGNALLED " + now + " " + arrival + " " + status);
        System.out.flush();
      }
    }
  }
}
