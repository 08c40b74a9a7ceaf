package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import dev.lbkit.healthcheck.internal.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for a check (keepalived {@code SSL_GET}, HAProxy {@code check-ssl}). Certificate and host name verification
 * are on unless {@link Builder#verify(boolean) verify(false)} is asked for; SNI is sent when a server name is
 * set. Immutable; the {@link SSLContext} is built once in {@link Builder#build()}.
 *
 * <pre>{@code
 * TlsSettings tls = TlsSettings.builder().serverName("www.example.com").build();   // JDK trust store
 * TlsSettings lab = TlsSettings.builder().verify(false).build();                   // keepalived's default
 * }</pre>
 */
public final class TlsSettings {
  private final boolean verify;
  private final Optional<String> serverName;
  private final Optional<String> verifyHost;
  private final boolean addressCheck;
  private final List<String> protocols;
  private final SSLContext context;

  private TlsSettings(Builder b, SSLContext context) {
    this.verify = b.verify;
    this.serverName = b.serverName;
    this.verifyHost = b.verifyHost;
    this.addressCheck = b.addressCheck;
    this.protocols = b.protocols;
    this.context = context;
  }

  /** Verification on, the JDK's trust store, no SNI, no client certificate. */
  public static TlsSettings defaults() {
    return builder().build();
  }

  /** A builder with verification on. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the certificate chain and the host name (or IP address) are verified. */
  public boolean verify() {
    return verify;
  }

  /** The SNI host name, also the name the certificate must match when verifying; empty: the target's address. */
  public Optional<String> serverName() {
    return serverName;
  }

  /** HAProxy {@code verifyhost}: the name the certificate must match when no server name (SNI) is set. */
  public Optional<String> verifyHost() {
    return verifyHost;
  }

  /**
   * Whether, with neither a server name nor {@link #verifyHost()}, the certificate must name the target's address
   * (default true). HAProxy checks no name then; {@code addressCheck(false)} does as it does.
   */
  public boolean addressCheck() {
    return addressCheck;
  }

  /**
   * The name the certificate must match, as HAProxy 2.6 picks it: the SNI sent, else {@code verifyhost}, else (when
   * {@link #addressCheck()}) the target's address; empty when no name is checked (or nothing is verified).
   */
  public Optional<String> nameToVerify(String address) {
    if (!verify) {
      return Optional.empty();
    }
    if (serverName.isPresent()) {
      return serverName;
    }
    if (verifyHost.isPresent()) {
      return verifyHost;
    }
    return addressCheck ? Optional.of(address) : Optional.empty();
  }

  /** The enabled protocols, e.g. {@code TLSv1.3}; empty: the JDK's defaults. */
  public List<String> protocols() {
    return protocols;
  }

  /** The context every attempt creates its engine from. */
  public SSLContext context() {
    return context;
  }

  @Override
  public String toString() {
    return "TLS" + (verify ? "" : " (no verify)") + serverName.map(s -> " SNI " + s).orElse("");
  }

  /** Builds {@link TlsSettings}. */
  public static final class Builder {
    private boolean verify = true;
    private Optional<String> serverName = Optional.empty();
    private Optional<String> verifyHost = Optional.empty();
    private boolean addressCheck = true;
    private List<String> protocols = List.of();
    private KeyStore trustStore;
    private KeyStore clientKeyStore;
    private char[] clientKeyPassword;

    private Builder() {}

    /** Verify the certificate and host name (default true). */
    public Builder verify(boolean verify) {
      this.verify = verify;
      return this;
    }

    /** The SNI host name and the name to verify against. */
    public Builder serverName(String serverName) {
      requireNonNull(serverName, "serverName");
      if (serverName.isEmpty()) {
        throw new IllegalArgumentException("TLS server name must not be empty");
      }
      this.serverName = Optional.of(serverName);
      return this;
    }

    /**
     * HAProxy {@code verifyhost}: when verifying and no server name is set, the certificate must name this host.
     * No SNI is sent for it.
     */
    public Builder verifyHost(String host) {
      requireNonNull(host, "host");
      if (host.isEmpty()) {
        throw new IllegalArgumentException("TLS verifyhost must not be empty");
      }
      this.verifyHost = Optional.of(host);
      return this;
    }

    /**
     * Whether a certificate must name the target's address when neither a server name nor a verify host is set
     * (default true). {@code false} is HAProxy's {@code verify required} without {@code sni} or {@code verifyhost}:
     * the chain is verified, no name is.
     */
    public Builder addressCheck(boolean addressCheck) {
      this.addressCheck = addressCheck;
      return this;
    }

    /** Enabled protocols, e.g. {@code "TLSv1.3"}. */
    public Builder protocols(String... protocols) {
      this.protocols = List.of(protocols);
      return this;
    }

    /** Trust anchors to verify against instead of the JDK's cacerts. */
    public Builder trustStore(KeyStore trustStore) {
      this.trustStore = requireNonNull(trustStore, "trustStore");
      return this;
    }

    /** A client certificate and key to present when the server asks for one. */
    public Builder clientCertificate(KeyStore keyStore, char[] password) {
      this.clientKeyStore = requireNonNull(keyStore, "keyStore");
      this.clientKeyPassword = requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * A client certificate chain and its private key in PEM, as HAProxy's {@code crt} takes them: the chain (leaf
     * first) in {@code certificatesPem}, the key (unencrypted PKCS#8, PKCS#1 RSA or SEC1 EC) in {@code keyPem},
     * which may be the same text. Presented when the server asks for a certificate.
     *
     * @throws IllegalArgumentException if there is no certificate, not exactly one key, the key is encrypted or
     *     unreadable, or it does not belong to the first certificate
     */
    public Builder clientCertificatePem(String certificatesPem, String keyPem) {
      return clientCertificatePem(certificatesPem, keyPem, null);
    }

    /**
     * As {@link #clientCertificatePem(String, String)}, and the key may also be encrypted PKCS#8
     * ({@code ENCRYPTED PRIVATE KEY}, PBES2 with AES-CBC or DES-EDE3-CBC, as {@code openssl} writes it when given a
     * pass phrase), decrypted with {@code keyPassword}.
     *
     * @param keyPassword the encrypted key's password; null: none (an encrypted key is then refused)
     * @throws IllegalArgumentException as {@link #clientCertificatePem(String, String)} does, and if the password is
     *     wrong
     */
    public Builder clientCertificatePem(String certificatesPem, String keyPem, char[] keyPassword) {
      requireNonNull(certificatesPem, "certificatesPem");
      requireNonNull(keyPem, "keyPem");
      return clientCertificate(clientKeyStore(Pem.read(certificatesPem, keyPem, keyPassword, "client certificate")),
          new char[0]);
    }

    /**
     * As {@link #clientCertificatePem(String, String)}, read from files ({@code keyFile} may be
     * {@code certificateFile}, as in HAProxy's {@code crt}).
     *
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException naming the file, as {@link #clientCertificatePem(String, String)} does
     */
    public Builder clientCertificatePem(Path certificateFile, Path keyFile) throws IOException {
      return clientCertificatePem(certificateFile, keyFile, null);
    }

    /**
     * As {@link #clientCertificatePem(String, String, char[])}, read from files ({@code keyFile} may be
     * {@code certificateFile}).
     *
     * @param keyPassword the encrypted key's password; null: none (an encrypted key is then refused)
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException naming the files, as {@link #clientCertificatePem(String, String, char[])}
     *     does
     */
    public Builder clientCertificatePem(Path certificateFile, Path keyFile, char[] keyPassword) throws IOException {
      return clientCertificate(clientKeyStorePem(certificateFile, keyFile, keyPassword), new char[0]);
    }

    /**
     * Trust anchors to verify against, read from a PEM file of certificates (HAProxy's {@code ca-file}, keepalived's
     * {@code ca}), instead of the JDK's cacerts.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file if it holds no PEM certificate or an unreadable one
     */
    public Builder trustedCertificatesPem(Path caFile) throws IOException {
      List<X509Certificate> certificates = Pem.certificates(Files.readString(caFile, StandardCharsets.US_ASCII),
          caFile.toString());
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < certificates.size(); i++) {
          ks.setCertificateEntry("ca" + i, certificates.get(i));
        }
        return trustStore(ks);
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(caFile + ": the certificates cannot be stored: " + e.getMessage(), e);
      }
    }

    /**
     * Builds the settings and their {@link SSLContext}.
     *
     * @throws IllegalArgumentException if the key or trust store cannot be used (wrong password, no key)
     */
    public TlsSettings build() {
      try {
        KeyManager[] keyManagers = null;
        if (clientKeyStore != null) {
          KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          kmf.init(clientKeyStore, clientKeyPassword);
          keyManagers = kmf.getKeyManagers();
        }
        TrustManager[] trustManagers;
        if (!verify) {
          trustManagers = new TrustManager[] {new TrustAll()};
        } else {
          TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init(trustStore); // null: the JDK's default trust store
          trustManagers = tmf.getTrustManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers, null);
        return new TlsSettings(this, context);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("TLS settings cannot be used: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The key store {@link Builder#clientCertificate(KeyStore, char[])} takes, holding the PEM certificate chain of
   * {@code certificateFile} and the private key of {@code keyFile} (as
   * {@link Builder#clientCertificatePem(Path, Path, char[])} reads them) under the alias {@code client}, that entry
   * protected by an empty password. For callers that keep one key store for many checks and read the files once.
   *
   * @param keyPassword the encrypted key's password; null: none (an encrypted key is then refused)
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException naming the files, as {@link Builder#clientCertificatePem(Path, Path, char[])}
   *     does
   */
  public static KeyStore clientKeyStorePem(Path certificateFile, Path keyFile, char[] keyPassword)
      throws IOException {
    String certs = Files.readString(certificateFile, StandardCharsets.US_ASCII);
    String key = keyFile.equals(certificateFile) ? certs : Files.readString(keyFile, StandardCharsets.US_ASCII);
    String source = keyFile.equals(certificateFile) ? certificateFile.toString() : certificateFile + " / " + keyFile;
    return clientKeyStore(Pem.read(certs, key, keyPassword, source));
  }

  private static KeyStore clientKeyStore(Pem.KeyAndChain kc) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", kc.key(), new char[0], kc.chain().toArray(new Certificate[0]));
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("client certificate cannot be stored: " + e.getMessage(), e);
    }
  }

  /** Accepts any certificate: what {@code verify(false)} asks for, as keepalived's SSL_GET does by default. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
