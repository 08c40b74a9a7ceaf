package dev.lbkit.vrrp.lab;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.LinuxVrrp;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.time.Duration;
import java.util.Optional;

/**
 * Opens the Linux VRRP transport on eth0 in its lab namespace, prints READY, leaves the advertisements of the segment
 * queued for {@code args[0]} ms, primes the transport three times ({@link VrrpTransport#prime}, which must take
 * nothing), then reads them without waiting and prints {@code AGE nanos source} for each (the age the transport
 * hands the router) and {@code DONE}. Started by {@code ReceiveTimestampIT}.
 */
public final class LabAgeProbe {
  private LabAgeProbe() {}

  public static void main(String[] args) throws Exception {
    long sleepMs = Long.parseLong(args[0]);
    try (VrrpTransport t = LinuxVrrp.transport()) {
      t.open("eth0", AddressFamily.IPV4);
      System.out.println("READY " + System.nanoTime());
      System.out.flush();
      Thread.sleep(sleepMs);
      for (int i = 0; i < 3; i++) {
        t.prime();
      }
      Optional<VrrpDatagram> d;
      while ((d = t.receive(Duration.ZERO)).isPresent()) {
        System.out.println("AGE " + d.get().age().toNanos() + " " + d.get().source().getHostAddress());
      }
      System.out.println("DONE");
      System.out.flush();
    }
  }
}
