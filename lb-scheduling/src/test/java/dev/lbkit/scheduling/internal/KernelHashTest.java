package dev.lbkit.scheduling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import org.junit.jupiter.api.Test;

/** Test vectors from scheduler-traces/ipvs/FORMAT.md section 7 (kernel harness and independent model agree). */
final class KernelHashTest {
  static final long HASH1 = 2654435761L;
  static final long HASH2 = 2654446892L;

  @Test
  void hash32_matchesKernelVectors() {
    assertEquals(39, KernelHash.hash32(0x0a000001, 8));
    assertEquals(159, KernelHash.hash32(0x0a000001, 10));
    assertEquals(137, KernelHash.hash32(0x0a000002, 8));
    assertEquals(550, KernelHash.hash32(0x0a000002, 10));
    assertEquals(171, KernelHash.hash32(0xc6336407, 8));
    assertEquals(50, KernelHash.hash32(0xcb007101, 8));
    assertEquals(162, KernelHash.hash32(0xc6336407 + 1000, 8));
  }

  @Test
  void hsiphash_matchesKernelVectors() {
    assertEquals(1134300350L, Integer.toUnsignedLong(KernelHash.hsiphash32(0x0a000001 + 80, HASH1, HASH1)));
    assertEquals(2545146951L, Integer.toUnsignedLong(KernelHash.hsiphash32(0x0a000001 + 80, HASH2, HASH2)));
    assertEquals(2714724411L, Integer.toUnsignedLong(KernelHash.hsiphash32(0x0a000002 + 80, HASH1, HASH1)));
    assertEquals(4200416991L, Integer.toUnsignedLong(KernelHash.hsiphash32(0x0a000002 + 80, HASH2, HASH2)));
    assertEquals(1106168366L, Integer.toUnsignedLong(KernelHash.hsiphash32(0x0a000003 + 8080, HASH1, HASH1)));
    assertEquals(3698297014L, Integer.toUnsignedLong(KernelHash.hsiphash32(0x0a000003 + 8080, HASH2, HASH2)));
    assertEquals(2914618038L, Integer.toUnsignedLong(KernelHash.hsiphash32(0xc6336407, HASH1, HASH1)));
    assertEquals(1704385178L, Integer.toUnsignedLong(KernelHash.hsiphash32(0xc6336407 + 1000, HASH1, HASH1)));
    assertEquals(3167, 1134300350L % 4093);
    assertEquals(700, 2545146951L % 4092 + 1);
  }

  @Test
  void foldAddress_isHostOrderForIpv4AndXorOfWordsForIpv6() {
    assertEquals(0xc6336407, KernelHash.foldAddress(Endpoint.parseAddress("198.51.100.7")));
    assertEquals(0x20010db8 ^ 0 ^ 0 ^ 1, KernelHash.foldAddress(Endpoint.parseAddress("2001:db8::1")));
  }

  @Test
  void gcd_ofZeroIsTheOther() {
    assertEquals(6, KernelHash.gcd(0, 6));
    assertEquals(3, KernelHash.gcd(9, 6));
  }
}
