package dev.lbkit.healthcheck.http;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.TestTls;
import dev.lbkit.healthcheck.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTPS checks against the JDK's HTTPS server with the checked-in test certificates: real TLS on loopback. */
final class HttpsCheckTest {
  private static final String BODY = "secure ok\n";

  private final HealthChecker checker = HealthChecker.builder().build();
  private final List<String> sniSeen = new CopyOnWriteArrayList<>();
  private HttpsServer server;

  private Endpoint start(String keystore, KeyStore clientTrust) throws IOException {
    SSLContext ctx = TestTls.serverContext(keystore, clientTrust);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setNeedClientAuth(clientTrust != null);
        p.setSNIMatchers(List.of(new SNIMatcher(0) {
          @Override
          public boolean matches(SNIServerName name) {
            sniSeen.add(new String(name.getEncoded(), StandardCharsets.US_ASCII));
            return true;
          }
        }));
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", ex -> {
      byte[] b = BODY.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
    return new Endpoint(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    checker.close();
    if (server != null) {
      server.stop(0);
    }
  }

  private CheckResult check(HttpCheck c) {
    return result(checker.checkOnce(c, Duration.ofSeconds(10)));
  }

  @Test
  void trustedCertificate_isUp_withDigestOverTls() throws Exception {
    Endpoint target = start("server", null);
    up(check(HttpCheck.builder(target).tls(TestTls.trustingServer().build()).digest(HttpCheckTest.md5(BODY)).build()));
  }

  /**
   * A server that writes its answer and closes at once (close_notify often lands in the same read as the answer):
   * the answer counts. lbkit used to fail such checks with "the TLS session is closed" (found beside real HAProxy in
   * HaproxyHttpsCheckIT, which passed them).
   */
  @Test
  void answerFollowedAtOnceByCloseNotify_isUp() throws Exception {
    try (ServerSocket s = TestTls.serverContext("server", null).getServerSocketFactory().createServerSocket(0, 50,
        InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        while (!s.isClosed()) {
          try (Socket c = s.accept()) {
            c.setSoTimeout(5000);
            InputStream in = c.getInputStream();
            int tail = 0;
            while (tail != 0x0d0a0d0a && (tail = (tail << 8) | in.read()) != -1) {
              // read the request head
            }
            c.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
                .getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            // next connection
          }
        }
      });
      t.setDaemon(true);
      t.start();
      Endpoint e = new Endpoint(InetAddress.getLoopbackAddress(), s.getLocalPort());
      for (int i = 0; i < 10; i++) {
        up(check(HttpCheck.builder(e).tls(TlsSettings.builder().verify(false).build()).build()));
      }
    }
  }

  @Test
  void verificationIsOnByDefault_untrustedCertificateIsDown() throws Exception {
    Endpoint target = start("server", null);
    CheckResult.Down d = down(check(HttpCheck.builder(target).tls(TlsSettings.defaults()).build()),
        DownReason.CERTIFICATE);
    assertFalse(d.detail().isEmpty());
  }

  @Test
  void verificationOff_acceptsAnyCertificate_evenExpired() throws Exception {
    Endpoint target = start("expired", null);
    up(check(HttpCheck.builder(target).tls(TlsSettings.builder().verify(false).build()).build()));
  }

  @Test
  void expiredCertificate_isDown() throws Exception {
    Endpoint target = start("expired", null);
    CheckResult.Down d = down(check(HttpCheck.builder(target)
        .tls(TestTls.trustingServer().build()).build()), DownReason.CERTIFICATE);
    assertTrue(d.detail().toLowerCase(java.util.Locale.ROOT).contains("expired")
        || d.detail().contains("NotAfter"), d.detail());
  }

  @Test
  void sni_isSent_andTheCertificateMustMatchIt() throws Exception {
    Endpoint target = start("server", null);
    up(check(HttpCheck.builder(target).virtualHost("check.lbkit.test")
        .tls(TestTls.trustingServer().serverName("check.lbkit.test").build()).build()));
    assertEquals(List.of("check.lbkit.test"), sniSeen);
    down(check(HttpCheck.builder(target).tls(TestTls.trustingServer().serverName("other.lbkit.test").build()).build()),
        DownReason.CERTIFICATE);
  }

  @Test
  void clientCertificate_isPresentedWhenConfigured() throws Exception {
    Endpoint target = start("server", TestTls.trustOf("client"));
    up(check(HttpCheck.builder(target)
        .tls(TestTls.trustingServer().clientCertificate(TestTls.keyStore("client"), TestTls.PASSWORD).build())
        .build()));
    // TLS 1.3: the server refuses the missing certificate after our side of the handshake is done (this server
    // closes; an alert, which HaproxyHttpsCheckIT's servers send, is an I/O error): HAProxy's socket error class
    CheckResult without = check(HttpCheck.builder(target).tls(TestTls.trustingServer().build()).build());
    assertTrue(without instanceof CheckResult.Down d && EnumSet.of(DownReason.IO_ERROR, DownReason.CLOSED,
        DownReason.RESET).contains(d.reason()), without.toString());
    // TLS 1.2: the refusal is part of the handshake (HAProxy: L6RSP)
    CheckResult without12 = check(HttpCheck.builder(target).tls(TestTls.trustingServer().protocols("TLSv1.2").build())
        .build());
    assertTrue(without12 instanceof CheckResult.Down d && d.reason() == DownReason.TLS_HANDSHAKE, without12.toString());
  }

  @Test
  void clientCertificatePem_certificateAndKeyInOneFile_isPresented() throws Exception {
    KeyStore client = TestTls.keyStore("client");
    String alias = client.aliases().nextElement();
    Path pem = Files.createTempFile("lbkit-client", ".pem");
    try {
      Files.writeString(pem, pem("CERTIFICATE", client.getCertificate(alias).getEncoded())
          + pem("PRIVATE KEY", client.getKey(alias, TestTls.PASSWORD).getEncoded()));
      Endpoint target = start("server", TestTls.trustOf("client"));
      up(check(HttpCheck.builder(target).tls(TestTls.trustingServer().clientCertificatePem(pem, pem).build())
          .build()));
    } finally {
      Files.delete(pem);
    }
  }

  @Test
  void clientCertificatePem_encryptedKeyWithItsPassword_isPresented() throws Exception {
    KeyStore client = TestTls.keyStore("client");
    String alias = client.aliases().nextElement();
    // the JDK's own PBES2 encoder (PBKDF2 HMAC-SHA256, AES-256-CBC): a second writer besides openssl's vectors
    byte[] salt = new byte[16];
    byte[] iv = new byte[16];
    new SecureRandom().nextBytes(salt);
    new SecureRandom().nextBytes(iv);
    String scheme = "PBEWithHmacSHA256AndAES_256";
    Cipher c = Cipher.getInstance(scheme);
    c.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(scheme).generateSecret(
        new PBEKeySpec("s3cret pw".toCharArray())), new PBEParameterSpec(salt, 4096, new IvParameterSpec(iv)));
    byte[] encrypted = c.doFinal(client.getKey(alias, TestTls.PASSWORD).getEncoded());
    AlgorithmParameters params = c.getParameters();
    Path cert = Files.createTempFile("lbkit-client", ".crt");
    Path key = Files.createTempFile("lbkit-client", ".key");
    try {
      Files.writeString(cert, pem("CERTIFICATE", client.getCertificate(alias).getEncoded()));
      // EncryptedPrivateKeyInfo { AlgorithmIdentifier { PBES2, params }, OCTET STRING } (JDK 17 cannot name PBES2)
      byte[] pbes2 = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d};
      Files.writeString(key, pem("ENCRYPTED PRIVATE KEY", der(0x30, concat(der(0x30, concat(pbes2,
          params.getEncoded())), der(0x04, encrypted)))));
      Endpoint target = start("server", TestTls.trustOf("client"));
      up(check(HttpCheck.builder(target).tls(TestTls.trustingServer().clientCertificatePem(cert, key,
          "s3cret pw".toCharArray()).build()).build()));
      IllegalArgumentException wrong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> TestTls.trustingServer().clientCertificatePem(cert, key, "other".toCharArray()));
      assertTrue(wrong.getMessage().startsWith(cert + " / " + key + ": the ENCRYPTED PRIVATE KEY cannot be "
          + "decrypted (wrong password?)"), wrong.getMessage());
    } finally {
      Files.delete(cert);
      Files.delete(key);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** One DER element (lengths below 64 KiB). */
  private static byte[] der(int tag, byte[] value) {
    int n = value.length;
    byte[] head = n < 0x80 ? new byte[] {(byte) tag, (byte) n}
        : n < 0x100 ? new byte[] {(byte) tag, (byte) 0x81, (byte) n}
        : new byte[] {(byte) tag, (byte) 0x82, (byte) (n >> 8), (byte) n};
    return concat(head, value);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
