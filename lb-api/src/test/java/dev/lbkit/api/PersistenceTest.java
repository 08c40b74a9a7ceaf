package dev.lbkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class PersistenceTest {

  @Test
  void netmask_convertsBothWays() {
    assertEquals(24, Persistence.prefixLengthOfNetmask("255.255.255.0"));
    assertEquals(0, Persistence.prefixLengthOfNetmask("0.0.0.0"));
    assertEquals(32, Persistence.prefixLengthOfNetmask("255.255.255.255"));
    assertEquals("255.255.240.0", Persistence.netmaskOfPrefixLength(20));
    assertEquals("0.0.0.0", Persistence.netmaskOfPrefixLength(0));
  }

  @Test
  void netmask_mustBeContiguous() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Persistence.prefixLengthOfNetmask("255.0.255.0"));
    assertEquals("persistence netmask must be contiguous but was 255.0.255.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Persistence.prefixLengthOfNetmask("ffff::"));
  }

  @Test
  void timeout_mustBeWholeSecondsInIpvsadmRange() {
    assertThrows(IllegalArgumentException.class, () -> Persistence.of(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Persistence.of(Duration.ofMillis(1500)));
    assertThrows(IllegalArgumentException.class, () -> Persistence.of(Duration.ofDays(31).plusSeconds(1)));
    assertEquals(Duration.ofDays(31), Persistence.of(Duration.ofDays(31)).timeout());
  }

  @Test
  void prefix_defaultsToTheWholeAddress() {
    Persistence p = Persistence.of(Duration.ofSeconds(300));
    assertEquals(32, p.effectivePrefixLength(AddressFamily.IPV4));
    assertEquals(128, p.effectivePrefixLength(AddressFamily.IPV6));
    assertThrows(IllegalArgumentException.class, () -> Persistence.of(Duration.ofSeconds(1), 129));
  }
}
