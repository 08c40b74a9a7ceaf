package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.vrrp.lab.Lab;
import dev.lbkit.vrrp.lab.Lab.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Linux transport's wake-up eventfd: the engine sleeps until its next timer, so a Backup with 40 s adverts sleeps
 * for two minutes; SIGTERM (close() from the shutdown hook) must still end it at once, not when the timer is due.
 */
final class EngineWakeupIT {
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.up("lbvw", 1);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void sigterm_wakesAnEngineThatSleepsUntilAFarTimer() {
    Node n = lab.node(1, "vrid=9", "version=3", "advert=40000", "priority=100", "vip=10.98.0.109/24");
    n.awaitState("BACKUP", 10_000);
    Lab.sleepMs(500); // the engine is in its long ppoll now
    long t0 = System.nanoTime();
    assertEquals(0, n.terminate());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    // the JVM's own exit takes a moment; the next timer is 2 minutes away
    assertTrue(ms < 5_000, "SIGTERM to exit took " + ms + " ms");
  }
}
