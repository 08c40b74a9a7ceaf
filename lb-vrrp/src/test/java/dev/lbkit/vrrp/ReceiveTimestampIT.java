package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Linux transport's receive time stamps (SO_TIMESTAMPNS): advertisements a keepalived Master sends every 100 ms
 * are left queued for 450 ms, then read at once; the ages the transport reports are those of their arrival, not of
 * the read (which would make them all about 0): the oldest is at least a few adverts old and each next one is about
 * one advert interval younger. The probe primes the transport three times before reading (as the takeover spin
 * does): had a prime taken a datagram, the oldest left would be under 250 ms old.
 */
final class ReceiveTimestampIT {
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbvt", 2);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void queuedAdvertisements_carryTheirArrivalAge() {
    lab.keepalived(1, "--priority", "150", "--vrid", "52", "--vip", "10.98.0.152/24", "--version", "3",
        "--advert-int", "0.1");
    lab.awaitOwner("10.98.0.152", lab.ns(1), 5_000);
    Node probe = lab.ageProbe(2, 450);
    List<Long> ages = new ArrayList<>();
    while (true) {
      String l = probe.awaitLine("", 10_000);
      if (l.equals("DONE")) {
        break;
      }
      if (l.startsWith("AGE ") && l.endsWith(" " + Lab.ip(1))) {
        ages.add(Long.parseLong(l.split(" ")[1]));
      }
    }
    lab.run("stop", lab.ns(1));
    assertTrue(ages.size() >= 3, "adverts queued in 450 ms: " + ages);
    assertTrue(ages.get(0) >= 250_000_000L && ages.get(0) <= 2_000_000_000L, "oldest age " + ages);
    for (int i = 1; i < ages.size(); i++) {
      long step = ages.get(i - 1) - ages.get(i);
      assertTrue(step >= 50_000_000L && step <= 150_000_000L, "ages a 100 ms advert apart: " + ages);
    }
  }
}
