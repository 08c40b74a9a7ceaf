package dev.lbkit.director;

import dev.lbkit.config.SslConfig;
import dev.lbkit.healthcheck.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;

/**
 * The client certificate of keepalived's {@code SSL} block ({@link SslConfig}) as a {@link KeyStore} for
 * {@link TlsSettings.Builder#clientCertificate}: the PEM certificate chain of {@code certificate} and the PEM private
 * key of {@code key}, read by lb-healthcheck's {@link TlsSettings#clientKeyStorePem} (PKCS#8, PKCS#8 encrypted with
 * PBES2 and AES-CBC or DES-EDE3-CBC, decrypted with {@code password}, PKCS#1 RSA, SEC1 EC). The {@code ca} file must
 * hold PEM certificates, though nothing is verified with it. keepalived refuses to start its checkers when these
 * files cannot be used; lbkit refuses the configuration with an {@link IllegalArgumentException} naming the file and
 * the problem.
 */
final class ClientCertificate {
  /** The password of the key store's entry (see {@link TlsSettings#clientKeyStorePem}). */
  static final char[] STORE_PASSWORD = new char[0];

  private ClientCertificate() {}

  /**
   * The key store holding the block's certificate chain and key under the alias "client", or empty when the block
   * names no certificate or no key (keepalived then presents none).
   *
   * @throws IllegalArgumentException if a file cannot be read or parsed, the key does not fit the certificate, or the
   *     key is encrypted and no or a wrong password is given
   */
  static Optional<KeyStore> load(SslConfig ssl) {
    // keepalived loads the ca file too (and stops its checkers if it cannot), though it never verifies with it
    ssl.ca().ifPresent(ClientCertificate::checkCa);
    if (!ssl.presentsCertificate()) {
      return Optional.empty();
    }
    Path certFile = ssl.certificate().orElseThrow();
    Path keyFile = ssl.key().orElseThrow();
    char[] password = ssl.password().map(String::toCharArray).orElse(null);
    try {
      return Optional.of(TlsSettings.clientKeyStorePem(certFile, keyFile, password));
    } catch (IOException e) {
      throw new IllegalArgumentException("SSL certificate " + certFile + " or key " + keyFile + " cannot be read: "
          + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SSL " + e.getMessage(), e);
    }
  }

  private static void checkCa(Path ca) {
    try {
      TlsSettings.builder().trustedCertificatesPem(ca);
    } catch (IOException e) {
      throw new IllegalArgumentException("SSL ca " + ca + " cannot be read: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SSL ca " + e.getMessage(), e);
    }
  }
}
