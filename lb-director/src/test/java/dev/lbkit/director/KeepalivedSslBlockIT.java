package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.config.ParseResult;
import dev.lbkit.config.SslConfig;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's {@code SSL} block on lbkit's keepalived.conf path: lb-config reads it, lb-director loads the PEM client
 * certificate and key that openssl writes through lb-healthcheck's PEM reader (the key formats themselves are tested
 * in lb-healthcheck's PemTest), and every SSL_GET presents it to a TLS server that
 * requires a client certificate: up with the block, down without it. The comparison with real keepalived 2.2.7 is in
 * KeepalivedCheckerTimingLabIT (its mtls server).
 */
final class KeepalivedSslBlockIT {
  @TempDir
  Path dir;

  private Path openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + ": " + out);
    return dir;
  }

  /** A self-signed certificate client.pem for CN=client.lab with its key in key.pem, encrypted with "pass word". */
  private void clientCertificate() throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-keyout", "key.pem", "-out", "client.pem", "-days", "2",
        "-subj", "/CN=client.lab", "-passout", "pass:pass word");
  }

  private static SslConfig ssl(Optional<String> password, Path cert, Path key) {
    return new SslConfig(password, Optional.empty(), Optional.of(cert), Optional.of(key),
        new dev.lbkit.config.Location("k.conf", 1, 1));
  }

  private static RSAPublicKey publicKey(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (RSAPublicKey) CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey();
    }
  }

  @Test
  void sslBlock_keysOpenSslWrites_areLoadedAndFitTheCertificate() throws Exception {
    // the key formats themselves (PKCS#8 plain and encrypted with AES or DES-EDE3, PKCS#1, SEC1) are PemTest's;
    // here: the SSL block's files and password reach lb-healthcheck's reader and come back as one key store
    clientCertificate();
    // a certificate file that also holds the key, with text around the blocks (openssl pkcs12 -nodes writes these)
    openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "key.pem", "-passin", "pass:pass word", "-out",
        "client.p12", "-passout", "pass:x");
    openssl("pkcs12", "-in", "client.p12", "-nodes", "-passin", "pass:x", "-out", "both.pem");
    RSAPublicKey pub = publicKey(dir.resolve("client.pem"));
    for (Object[] c : new Object[][] {{"client.pem", "key.pem", "pass word"}, {"both.pem", "both.pem", null}}) {
      Path key = dir.resolve((String) c[1]);
      KeyStore ks = ClientCertificate.load(ssl(Optional.ofNullable((String) c[2]), dir.resolve((String) c[0]), key))
          .orElseThrow();
      PrivateKey k = (PrivateKey) ks.getKey("client", ClientCertificate.STORE_PASSWORD);
      assertEquals(pub.getModulus(), ((RSAPrivateCrtKey) k).getModulus(), c[1] + ": the certificate's key?");
      assertEquals(pub, ks.getCertificate("client").getPublicKey());
    }
    assertTrue(Files.readString(dir.resolve("key.pem")).contains("BEGIN ENCRYPTED PRIVATE KEY"), "key.pem encrypted");
  }

  @Test
  void badKeys_areRefusedWithTheFileAndTheProblem() throws Exception {
    clientCertificate();
    Path cert = dir.resolve("client.pem");
    Path key = dir.resolve("key.pem");
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> ClientCertificate.load(ssl(Optional.of("nope"), cert, key)));
    assertTrue(wrong.getMessage().contains(key.toString()) && wrong.getMessage().contains("wrong password"),
        wrong.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ClientCertificate.load(ssl(Optional.empty(), cert, key)));
    assertTrue(none.getMessage().contains(key.toString()) && none.getMessage().contains("no password"),
        none.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ClientCertificate.load(ssl(Optional.of("pass word"), dir.resolve("absent.pem"), key)));
    assertTrue(missing.getMessage().contains("absent.pem"), missing.getMessage());
    IllegalArgumentException notAKey = assertThrows(IllegalArgumentException.class,
        () -> ClientCertificate.load(ssl(Optional.of("pass word"), cert, cert)));
    assertEquals("SSL " + cert + ": expected one PEM private key block but found 0", notAKey.getMessage());
    SslConfig badCa = new SslConfig(Optional.of("pass word"), Optional.of(key), Optional.of(cert), Optional.of(key),
        new dev.lbkit.config.Location("k.conf", 1, 1));
    IllegalArgumentException ca = assertThrows(IllegalArgumentException.class, () -> ClientCertificate.load(badCa));
    assertEquals("SSL ca " + key + ": no PEM CERTIFICATE block", ca.getMessage());
    SslConfig caOnly = new SslConfig(Optional.empty(), Optional.of(cert), Optional.empty(), Optional.empty(),
        new dev.lbkit.config.Location("k.conf", 1, 1));
    assertEquals(Optional.empty(), ClientCertificate.load(caOnly), "a ca alone presents no certificate");
  }

  /**
   * keepalived.conf with one SSL_GET of 127.0.0.1:PORT (alpha: in the table only once a check passed; checked every
   * second), and an SSL block when {@code ssl} is not empty.
   */
  private KeepalivedConfig conf(int port, String ssl) throws Exception {
    String text = ssl + "virtual_server 10.10.10.1 443 {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n"
        + "  protocol TCP\n  real_server 127.0.0.1 443 {\n    alpha\n    warmup 0\n    SSL_GET {\n      connect_port " + port + "\n"
        + "      connect_timeout 3\n      url {\n        path /ok\n      }\n    }\n  }\n}\n";
    ParseResult r = KeepalivedConfigParser.parse("k.conf", text, dir);
    assertTrue(r.ok(), r.errors().toString());
    return r.config();
  }

  /**
   * A TLS server on loopback for www.lab that requires a client certificate and trusts only client.pem, answering
   * 200 "hello"; {@code seen} gets the subject of each client certificate, or "refused: ..." for a failed handshake.
   */
  private SSLServerSocket mtlsServer(List<String> seen) throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.pem",
        "-days", "2", "-subj", "/CN=www.lab");
    openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server-key.pem", "-out", "server.p12", "-passout",
        "pass:lablab");
    KeyStore serverKs = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      serverKs.load(in, "lablab".toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    Certificate client;
    try (InputStream in = Files.newInputStream(dir.resolve("client.pem"))) {
      client = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    trusted.setCertificateEntry("client", client);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(serverKs, "lablab".toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 8,
        InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.setSoTimeout(5000);
          s.startHandshake();
          seen.add(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
          s.getInputStream().read(new byte[4096]);
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nhello\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (Exception e) {
          seen.add("refused: " + e.getClass().getSimpleName());
        }
      }
    }, "mtls-server");
    t.setDaemon(true);
    t.start();
    return server;
  }

  private String sslBlock() {
    return "SSL {\n  password \"pass word\"\n  ca " + dir.resolve("server.pem") + "\n  certificate "
        + dir.resolve("client.pem") + "\n  key " + dir.resolve("key.pem") + "\n}\n";
  }

  @Test
  void sslGet_presentsTheBlocksCertificate_toAServerThatRequiresOne() throws Exception {
    clientCertificate();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SSLServerSocket server = mtlsServer(seen)) {
      int port = server.getLocalPort();
      try (HealthChecker checker = HealthChecker.builder().build()) {
        KeepalivedConfig with = conf(port, sslBlock());
        Target target = HealthTargets.of(with.virtualServers().get(0), Optional.empty(),
            HealthTargets.clientCertificate(with)).get(0);
        CheckResult up = checker.checkOnce(target.check(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertTrue(up.isUp(), "with the SSL block: " + up + ", server saw " + seen);
        assertTrue(seen.contains("CN=client.lab"), "the server saw the client certificate? " + seen);
        KeepalivedConfig without = conf(port, "");
        Target bare = HealthTargets.of(without.virtualServers().get(0)).get(0);
        CheckResult down = checker.checkOnce(bare.check(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertTrue(!down.isUp(), "without the SSL block the server refuses the handshake: " + down);
      }
    }
  }

  @Test
  void reload_withAnSslBlock_reachesTheKeptSslGet() throws Exception {
    clientCertificate();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SSLServerSocket server = mtlsServer(seen)) {
      int port = server.getLocalPort();
      RecordingTableWriter table = new RecordingTableWriter();
      try (KeepalivedDirector node = KeepalivedDirector.builder(conf(port, ""), table).build()) {
        node.start();
        for (int i = 0; i < 100 && seen.stream().noneMatch(x -> x.startsWith("refused")); i++) {
          Thread.sleep(100);
        }
        assertTrue(seen.stream().anyMatch(x -> x.startsWith("refused")) && !seen.contains("CN=client.lab")
            && awaitServers(table, 0), "without the SSL block the handshake fails, the server stays out: "
            + table.table + ", server saw " + seen);
        node.reload(conf(port, sslBlock())).get(5, TimeUnit.SECONDS);
        assertTrue(awaitServers(table, 1) && seen.contains("CN=client.lab"), "after a reload that adds the SSL block"
            + " the kept SSL_GET presents the certificate and the server enters: " + table.table + ", server saw "
            + seen);
      }
    }
  }

  @Test
  void reload_sameSslBlock_certificateFileChanged_theKeptSslGetPresentsTheNewOne() throws Exception {
    clientCertificate();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SSLServerSocket server = mtlsServer(seen)) { // trusts the client.pem written above only
      int port = server.getLocalPort();
      Files.copy(dir.resolve("client.pem"), dir.resolve("trusted.pem"));
      Files.copy(dir.resolve("key.pem"), dir.resolve("trusted-key.pem"));
      RecordingTableWriter table = new RecordingTableWriter();
      try (KeepalivedDirector node = KeepalivedDirector.builder(conf(port, sslBlock()), table).build()) {
        node.start();
        assertTrue(awaitServers(table, 1) && seen.contains("CN=client.lab"), "the trusted certificate: in? "
            + table.table + ", server saw " + seen);
        // another certificate and key in the same files (same password): the SSL block's text does not change
        openssl("req", "-x509", "-newkey", "rsa:2048", "-keyout", "key.pem", "-out", "client.pem", "-days", "2",
            "-subj", "/CN=other.lab", "-passout", "pass:pass word");
        seen.clear();
        node.reload(conf(port, sslBlock())).get(5, TimeUnit.SECONDS);
        assertTrue(awaitServers(table, 0) && seen.stream().anyMatch(x -> x.startsWith("refused"))
            && !seen.contains("CN=client.lab"), "after the reload the kept SSL_GET presents the file's new, untrusted"
            + " certificate, as keepalived reads the files again on a reload: out? " + table.table + ", server saw "
            + seen);
        Files.copy(dir.resolve("trusted.pem"), dir.resolve("client.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("trusted-key.pem"), dir.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
        node.reload(conf(port, sslBlock())).get(5, TimeUnit.SECONDS);
        assertTrue(awaitServers(table, 1), "the trusted certificate back in the files: in again after a reload? "
            + table.table + ", server saw " + seen);
      }
    }
  }

  /** Waits up to 15 s until the table's one service has {@code n} real servers. */
  private static boolean awaitServers(RecordingTableWriter table, int n) throws InterruptedException {
    for (int i = 0; i < 150; i++) {
      synchronized (table) {
        if (table.table.values().stream().mapToInt(s -> s.realServers().size()).sum() == n
            && !table.table.isEmpty()) {
          return true;
        }
      }
      Thread.sleep(100);
    }
    return false;
  }
}
