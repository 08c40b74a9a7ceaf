package dev.lbkit.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
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
  void read_encryptedPkcs8_withItsPassword_aesAndDesEde3() throws Exception {
    ECPrivateKey ec = (ECPrivateKey) Pem.read(pem("ec.crt"), pem("ec-pkcs8.key"), "ec").key();
    for (String name : new String[] {"ec-encrypted.key", "ec-aes128.key"}) {
      Pem.KeyAndChain enc = Pem.read(pem("ec.crt"), pem(name), "changeit".toCharArray(), name);
      assertEquals(ec.getS(), ((ECPrivateKey) enc.key()).getS(), name + ": the same key as ec-pkcs8.key");
    }
    RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) Pem.read(pem("rsa.crt"), pem("rsa-pkcs1.key"), "rsa").key();
    Pem.KeyAndChain aes = Pem.read(pem("rsa.crt"), pem("rsa-aes256.key"), "pass word".toCharArray(), "aes");
    assertEquals(rsa.getPrivateExponent(), ((RSAPrivateCrtKey) aes.key()).getPrivateExponent());
    Pem.KeyAndChain des = Pem.read(pem("rsa.crt"), pem("rsa-des3.key"), "changeit".toCharArray(), "des");
    assertEquals(rsa.getPrivateExponent(), ((RSAPrivateCrtKey) des.key()).getPrivateExponent());
    // a password given for an unencrypted key is not needed and does no harm
    assertEquals("RSA", Pem.read(pem("rsa.crt"), pem("rsa-pkcs1.key"), "x".toCharArray(), "rsa").key()
        .getAlgorithm());
  }

  @Test
  void read_encryptedPkcs8_wrongOrNoPassword_isRefusedNamingTheSource() throws Exception {
    for (String name : new String[] {"ec-encrypted.key", "rsa-aes256.key", "rsa-des3.key"}) {
      String cert = name.startsWith("ec") ? pem("ec.crt") : pem("rsa.crt");
      IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
          () -> Pem.read(cert, pem(name), "nope".toCharArray(), "/etc/" + name));
      assertTrue(wrong.getMessage().startsWith("/etc/" + name + ": the ENCRYPTED PRIVATE KEY cannot be decrypted "
          + "(wrong password?)"), wrong.getMessage());
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
          () -> Pem.read(cert, pem(name), "/etc/" + name));
      assertTrue(none.getMessage().startsWith("/etc/" + name + ": encrypted private keys are not supported with no"
          + " password"), none.getMessage());
    }
    IllegalArgumentException legacy = assertThrows(IllegalArgumentException.class,
        () -> Pem.read(pem("rsa.crt"), pem("rsa-legacy.key"), "changeit".toCharArray(), "old.pem"));
    assertTrue(legacy.getMessage().startsWith("old.pem: encrypted private keys in the legacy OpenSSL format")
        && legacy.getMessage().contains("openssl pkcs8 -topk8"), legacy.getMessage());
  }

  @Test
  void read_corruptEncryptedKey_isATypedError() throws Exception {
    String text = pem("rsa-aes256.key");
    // cut the DER short: the base64 keeps its form, the ASN.1 inside runs past its end
    String[] lines = text.split("\n");
    StringBuilder cut = new StringBuilder(lines[0]).append('\n');
    for (int i = 1; i < 4; i++) {
      cut.append(lines[i]).append('\n');
    }
    cut.append(lines[lines.length - 1]).append('\n');
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pem.read(pem("rsa.crt"), cut.toString(), "pass word".toCharArray(), "cut.pem"));
    assertTrue(e.getMessage().startsWith("cut.pem: the ENCRYPTED PRIVATE KEY block is not a valid encrypted PKCS#8"
        + " key"), e.getMessage());
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
