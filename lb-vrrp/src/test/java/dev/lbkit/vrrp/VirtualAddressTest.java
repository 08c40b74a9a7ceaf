package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.net.InetAddresses;
import java.util.List;
import org.junit.jupiter.api.Test;

final class VirtualAddressTest {

  @Test
  void parse_readsFullLiteralsWithAndWithoutAPrefix() {
    assertEquals(new VirtualAddress(InetAddresses.forString("10.0.0.100"), 24), VirtualAddress.parse("10.0.0.100/24"));
    assertEquals(new VirtualAddress(InetAddresses.forString("10.0.0.100"), 32), VirtualAddress.parse("10.0.0.100"));
    assertEquals(new VirtualAddress(InetAddresses.forString("2001:db8::1"), 64),
        VirtualAddress.parse("2001:db8::1/64"));
  }

  @Test
  void parse_refusesTheOldShortFormsAndNames() {
    // InetAddress.getByName read 10.0.100 as 10.0.0.100 and 10.1 as 10.0.0.1: a typo became another address
    for (String text : List.of("10.0.100/24", "10.1/24", "10", "1.2.3.4.5/24", "256.0.0.1/24", "", "/24",
        "fe80::1::2")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VirtualAddress.parse(text), text);
      assertEquals("virtual address must be a numeric IP address [/prefix] but was '" + text + "'", e.getMessage());
    }
  }

  @Test
  void equalsAndHashCode_areByValue() {
    VirtualAddress a = VirtualAddress.parse("10.0.0.100/24");
    assertEquals(a, VirtualAddress.parse("10.0.0.100/24"));
    assertEquals(a.hashCode(), VirtualAddress.parse("10.0.0.100/24").hashCode());
    assertNotEquals(a, VirtualAddress.parse("10.0.0.100/32"));
    assertNotEquals(a, VirtualAddress.parse("10.0.0.101/24"));
    assertNotEquals(VirtualAddress.parse("fe80::1/64"), VirtualAddress.parse("fe80::2/64"));
    assertNotEquals(a, "10.0.0.100/24");
    assertNotEquals(a, null);
  }
}
