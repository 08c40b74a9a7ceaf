package dev.lbkit.scheduling.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Test vectors from the trace FORMAT.md (computed by HAProxy 2.6's hash.c). */
final class HashFunctionTest {
  private static long h(HashFunction f, String s) {
    return f.hash(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void hash_matchesHaproxyVectors() {
    String[] keys = {"", "a", "/index.html", "example"};
    long[][] expected = {
      {0L, 97L, 858007926L, 2806477450L},
      {5381L, 177670L, 3776231887L, 2172492273L},
      {4187620192L, 1900802597L, 822151038L, 423505576L},
      {0L, 3904355907L, 3928116034L, 1861000095L},
    };
    HashFunction[] functions = {HashFunction.SDBM, HashFunction.DJB2, HashFunction.WT6, HashFunction.CRC32};
    for (int f = 0; f < functions.length; f++) {
      for (int k = 0; k < keys.length; k++) {
        assertEquals(expected[f][k], h(functions[f], keys[k]), functions[f] + "(\"" + keys[k] + "\")");
      }
    }
  }

  @Test
  void avalanche_matchesHaproxyVectors() {
    assertEquals(2874071335L, HashFunction.avalanche(0));
    assertEquals(881230262L, HashFunction.avalanche(1));
    assertEquals(2317047883L, HashFunction.avalanche(0x7f000001L));
  }

  @Test
  void hash_treatsBytesAsUnsigned() {
    byte[] high = {(byte) 0xff};
    assertEquals(255L, HashFunction.SDBM.hash(high));
    assertEquals(5381L * 33 + 255, HashFunction.DJB2.hash(high));
  }

  @Test
  void of_rejectsUnknownFunction() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashFunction.of("md5"));
    assertTrue(e.getMessage().contains("'md5'"), e.getMessage());
  }

  @Test
  void hashTypeParse_appliesHaproxyDefaults() {
    assertEquals(HashType.DEFAULT, HashType.parse(null));
    assertEquals(new HashType(HashType.Method.MAP_BASED, HashFunction.SDBM, false), HashType.parse("map-based"));
    assertEquals(new HashType(HashType.Method.CONSISTENT, HashFunction.SDBM, true), HashType.parse("consistent"));
    assertFalse(HashType.parse("consistent sdbm").avalanche());
    assertEquals(new HashType(HashType.Method.MAP_BASED, HashFunction.WT6, true),
        HashType.parse("hash-type map-based wt6 avalanche"));
  }

  @Test
  void hashTypeParse_namesTheBadWord() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HashType.parse("ring sdbm")).getMessage()
        .contains("'ring'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HashType.parse("consistent sdbm fast"))
        .getMessage().contains("'fast'"));
  }
}
