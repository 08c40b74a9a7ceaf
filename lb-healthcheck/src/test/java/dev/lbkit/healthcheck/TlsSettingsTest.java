package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which name a certificate must match: HAProxy's order (SNI, then verifyhost, then none) and lbkit's default. */
final class TlsSettingsTest {
  @Test
  void nameToVerify_sniThenVerifyHostThenAddress() {
    assertEquals(Optional.of("10.0.0.1"), TlsSettings.builder().build().nameToVerify("10.0.0.1"));
    assertEquals(Optional.empty(), TlsSettings.builder().addressCheck(false).build().nameToVerify("10.0.0.1"));
    assertEquals(Optional.of("v.example"), TlsSettings.builder().addressCheck(false).verifyHost("v.example").build()
        .nameToVerify("10.0.0.1"));
    assertEquals(Optional.of("s.example"), TlsSettings.builder().verifyHost("v.example").serverName("s.example")
        .build().nameToVerify("10.0.0.1"));
    assertEquals(Optional.empty(), TlsSettings.builder().verify(false).serverName("s.example").build()
        .nameToVerify("10.0.0.1"));
  }

  @Test
  void emptyVerifyHost_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.builder().verifyHost(""));
    assertEquals("TLS verifyhost must not be empty", e.getMessage());
  }
}
