package dev.lbkit.healthcheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The checked-in test keystores (src/test/resources/tls, made by make-keystores.sh) as JDK objects. */
public final class TestTls {
  public static final char[] PASSWORD = "changeit".toCharArray();

  private TestTls() {}

  /** Loads {@code tls/<name>.p12}. */
  public static KeyStore keyStore(String name) {
    try (InputStream in = TestTls.class.getResourceAsStream("/tls/" + name + ".p12")) {
      if (in == null) {
        throw new IllegalStateException("missing test keystore tls/" + name + ".p12");
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD);
      return ks;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A trust store holding the certificate of keystore {@code name}. */
  public static KeyStore trustOf(String name) {
    try {
      KeyStore source = keyStore(name);
      Certificate cert = source.getCertificate(source.aliases().nextElement());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(name, cert);
      return trust;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server context presenting keystore {@code name}, trusting {@code clientTrust} (may be null). */
  public static SSLContext serverContext(String name, KeyStore clientTrust) {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore(name), PASSWORD);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(clientTrust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), clientTrust == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Client settings that trust the test CA, which signed the server certificates. */
  public static TlsSettings.Builder trustingServer() {
    return TlsSettings.builder().trustStore(trustOf("ca"));
  }
}
