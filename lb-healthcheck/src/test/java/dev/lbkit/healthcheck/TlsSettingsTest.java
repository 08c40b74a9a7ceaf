package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which name a certificate must match: HAProxy's order (SNI, then verifyhost, then none) and lbkit's default. */
final class TlsSettingsTest {
  @TempDir
  Path dir;

  private Path vector(String name) throws Exception {
    Path out = dir.resolve(name);
    try (InputStream in = TlsSettingsTest.class.getResourceAsStream("/tls/pem/" + name)) {
      Files.copy(in, out);
    }
    return out;
  }

  @Test
  void clientKeyStorePem_encryptedKey_holdsTheChainAndKeyUnderClient() throws Exception {
    Path cert = vector("rsa.crt");
    KeyStore ks = TlsSettings.clientKeyStorePem(cert, vector("rsa-aes256.key"), "pass word".toCharArray());
    assertEquals(java.util.List.of("client"), Collections.list(ks.aliases()));
    assertEquals("RSA", ks.getKey("client", new char[0]).getAlgorithm());
    assertEquals("CN=pem-rsa.lbkit.test", ((java.security.cert.X509Certificate) ks.getCertificate("client"))
        .getSubjectX500Principal().getName());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.clientKeyStorePem(cert, dir.resolve("rsa-aes256.key"), null));
    assertEquals(cert + " / " + dir.resolve("rsa-aes256.key") + ": encrypted private keys are not supported with no"
        + " password; give the key's password or decrypt it first (openssl pkey -in KEY -out PLAIN)",
        none.getMessage());
  }

  @Test
  void trustedCertificatesPem_readsCertificates_andNamesAFileWithout() throws Exception {
    TlsSettings.builder().trustedCertificatesPem(vector("rsa.crt")).build();
    Path key = vector("rsa-pkcs1.key");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.builder().trustedCertificatesPem(key));
    assertEquals(key + ": no PEM CERTIFICATE block", e.getMessage());
  }

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
