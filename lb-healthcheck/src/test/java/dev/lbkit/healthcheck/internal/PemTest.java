package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import org.junit.jupiter.api.Test;

/** PEM keys and certificates as HAProxy's {@code crt} files hold them (vectors: tls/pem/make-pem.sh, openssl 3). */
final class PemTest {
  private static String pem(String name) throws IOException {
    try (InputStream in = PemTest.class.getResourceAsStream("/tls/pem/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test vector tls/pem/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void read_pkcs8Sec1AndPkcs1Keys() throws Exception {
    Pem.KeyAndChain ec = Pem.read(pem("ec.crt"), pem("ec-pkcs8.key"), "ec");
    assertEquals("EC", ec.key().getAlgorithm());
    assertEquals("CN=pem-ec.lbkit.test", ec.chain().get(0).getSubjectX500Principal().getName());
    Pem.KeyAndChain sec1 = Pem.read(pem("ec.crt"), pem("ec-sec1.key"), "sec1");
    // the same key, read through the SEC1 wrapping
    assertEquals(((ECPrivateKey) ec.key()).getS(), ((ECPrivateKey) sec1.key()).getS());
    Pem.KeyAndChain rsa = Pem.read(pem("rsa.crt"), pem("rsa-pkcs1.key"), "rsa");
    assertEquals("RSA", rsa.key().getAlgorithm());
  }

  @Test
  void read_certificateAndKeyInOneText_asHaproxyCrtFiles() throws Exception {
    String combined = pem("ec.crt") + pem("ec-sec1.key");
    assertEquals(1, Pem.read(combined, combined, "crt").chain().size());
  }

  @Test
  void read_refusesAKeyOfAnotherCertificate() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pem.read(pem("rsa.crt"), pem("ec-pkcs8.key"), "mixed.pem"));
    assertEquals("mixed.pem: the private key does not belong to the certificate CN=pem-rsa.lbkit.test",
        e.getMessage());
  }

  @Test
  void read_refusesEncryptedKeysMissingKeysAndMissingCertificates() throws Exception {
    IllegalArgumentException enc = assertThrows(IllegalArgumentException.class,
        () -> Pem.read(pem("ec.crt"), pem("ec-encrypted.key"), "enc.pem"));
    assertTrue(enc.getMessage().startsWith("enc.pem: encrypted private keys are not supported"), enc.getMessage());
    IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
        () -> Pem.read(pem("ec.crt"), pem("ec.crt"), "c.pem"));
    assertEquals("c.pem: expected one PEM private key block but found 0", noKey.getMessage());
    IllegalArgumentException noCert = assertThrows(IllegalArgumentException.class,
        () -> Pem.read(pem("ec-pkcs8.key"), pem("ec-pkcs8.key"), "k.pem"));
    assertEquals("k.pem: no PEM CERTIFICATE block", noCert.getMessage());
  }
}
