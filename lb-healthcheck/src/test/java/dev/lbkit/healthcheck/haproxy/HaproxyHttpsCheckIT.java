package dev.lbkit.healthcheck.haproxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.Await;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.TestTls;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.http.HttpCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;

/**
 * HTTPS checks ({@code check-ssl}, {@code verify none}, {@code verify required ca-file}, {@code check-sni},
 * {@code crt}) by a real HAProxy 2.6 and by lbkit's {@link HttpCheck} with {@link TlsSettings}, against real TLS
 * servers on loopback presenting the test certificates ({@link TestTls}): a good one signed by the test CA for
 * 127.0.0.1 and check.lbkit.test, an expired one, a self-signed one; a server that speaks no TLS and one that speaks
 * garbage instead; and a server that requires a client certificate signed by the test CA, checked with such a
 * certificate, without one, with one from another CA, over TLS 1.3 and 1.2 (HAProxy's {@code crt} file; lbkit's
 * {@link TlsSettings.Builder#clientCertificatePem(Path, Path)} with the same file). Both must reach the same verdict;
 * when down, HAProxy's check status and lbkit's reason must be of the same class ({@link #SAME_CLASS}): a refused
 * handshake ({@code L6RSP}) is lbkit's certificate or handshake reason; a stalled one ({@code L6TOUT}: a plain
 * server waits for a request while the checker waits for its TLS answer) lbkit's timeout; and a client certificate
 * refused under TLS 1.3, which the server can only say with an alert after the client's side of the handshake is
 * done, is HAProxy's socket error ({@code SOCKERR}) and lbkit's I/O error (under TLS 1.2 the refusal is part of the
 * handshake: {@code L6RSP}).
 *
 * <p>Names: HAProxy checks the certificate's names against the SNI it sent, else against {@code verifyhost}, else
 * not at all. A certificate made here for other.lbkit.test only shows it; lbkit does the same with
 * {@link TlsSettings.Builder#addressCheck addressCheck(false)} and {@link TlsSettings.Builder#verifyHost}, while its
 * default checks the target's address when no name is given.
 */
final class HaproxyHttpsCheckIT {
  /**
   * HAProxy's check status when down and the lbkit reasons of the same class: a failed TLS handshake (layer 6), a
   * stalled one, and a connection that failed after the handshake (a TLS 1.3 alert refusing the client certificate).
   */
  private static final Map<String, Set<DownReason>> SAME_CLASS = Map.of(
      "L6RSP", EnumSet.of(DownReason.CERTIFICATE, DownReason.TLS_HANDSHAKE),
      "L6TOUT", EnumSet.of(DownReason.TIMEOUT),
      "SOCKERR", EnumSet.of(DownReason.RESET, DownReason.IO_ERROR, DownReason.CLOSED));


  /**
   * A TLS (or, with a null context, plain) HTTP server answering 200 to every request it reads; with
   * {@code needClientAuth} it requires a client certificate its context trusts.
   */
  private static ServerSocket server(SSLContext tls, boolean needClientAuth) throws IOException {
    ServerSocket s = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
        : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    if (s instanceof SSLServerSocket ssl) {
      ssl.setNeedClientAuth(needClientAuth);
    }
    serve(s, "tls-backend", c -> {
      InputStream in = c.getInputStream(); // the handshake runs on the first read
      ScriptedBackend.readHead(in);
      c.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
          .getBytes(StandardCharsets.US_ASCII));
    });
    return s;
  }

  /**
   * A server that speaks garbage instead of TLS: to each connection it sends a line of text that is no TLS record
   * (its first byte, 'G', is no record type) and reads until the checker hangs up.
   */
  private static ServerSocket garbageServer() throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    serve(s, "garbage-backend", c -> {
      c.getOutputStream().write("GARBAGE, NOT TLS: 0123456789abcdef0123456789abcdef\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      c.getOutputStream().flush();
      InputStream in = c.getInputStream();
      while (in.read() >= 0) {
        // wait for the checker to give up
      }
    });
    return s;
  }

  private interface Exchange {
    void run(Socket c) throws IOException;
  }

  private static void serve(ServerSocket s, String name, Exchange exchange) {
    Thread t = new Thread(() -> {
      while (!s.isClosed()) {
        try (Socket c = s.accept()) {
          c.setSoTimeout(3000);
          exchange.run(c);
        } catch (IOException e) {
          if (s.isClosed()) {
            return;
          } // a failed handshake: the checker hung up; serve the next
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * A certificate signed by the test CA for other.lbkit.test only (not for 127.0.0.1), made with the JDK's keytool
   * as make-keystores.sh makes the checked-in ones; a server context presenting it.
   */
  private static SSLContext otherNameContext(Path dir, Path caPem) throws Exception {
    Path caP12 = dir.resolve("ca.p12");
    try (InputStream in = TestTls.class.getResourceAsStream("/tls/ca.p12")) {
      Files.copy(in, caP12);
    }
    Path other = dir.resolve("other.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    String pass = new String(TestTls.PASSWORD);
    run(dir, keytool, "-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1",
        "-storetype", "PKCS12", "-storepass", pass, "-keypass", pass, "-dname", "CN=other.lbkit.test",
        "-keystore", other.toString());
    run(dir, keytool, "-certreq", "-alias", "other", "-keystore", other.toString(), "-storepass", pass, "-file",
        "other.csr");
    run(dir, keytool, "-gencert", "-alias", "ca", "-keystore", caP12.toString(), "-storepass", pass, "-infile",
        "other.csr", "-outfile", "other.crt", "-rfc", "-ext", "SAN=dns:other.lbkit.test", "-validity", "3650");
    run(dir, keytool, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
        other.toString(), "-storepass", pass);
    run(dir, keytool, "-importcert", "-noprompt", "-alias", "other", "-file", "other.crt", "-keystore",
        other.toString(), "-storepass", pass);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(other)) {
      ks.load(in, TestTls.PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, TestTls.PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  /**
   * Client certificates as HAProxy's {@code crt} files (certificate and key in one PEM), made with openssl at test
   * time (keytool takes a second a call): "client-ca.pem" signed by the test CA, which the mutual-TLS server trusts;
   * "client-other.pem" signed by another CA made here.
   */
  private static void clientCertificates(Path dir, Path caPem) throws Exception {
    KeyStore ca = TestTls.keyStore("ca");
    Key caKey = ca.getKey(ca.aliases().nextElement(), TestTls.PASSWORD);
    Files.writeString(dir.resolve("ca.key"), pem("PRIVATE KEY", caKey.getEncoded()));
    run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "other-ca.key", "-out", "other-ca.pem", "-subj", "/CN=lbkit-other-test-ca", "-days", "3650");
    for (String[] leaf : List.of(new String[] {"client-ca", caPem.toString(), "ca.key"},
        new String[] {"client-other", "other-ca.pem", "other-ca.key"})) {
      String name = leaf[0];
      run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name + ".lbkit.test");
      run(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", leaf[1], "-CAkey", leaf[2], "-set_serial",
          Long.toString(System.nanoTime() & Long.MAX_VALUE), "-days", "3650", "-out", name + ".crt");
      Files.writeString(dir.resolve(name + ".pem"), Files.readString(dir.resolve(name + ".crt"))
          + Files.readString(dir.resolve(name + ".key")));
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** lbkit's settings presenting the client certificate file {@code pem} (certificate and key in one file). */
  private static TlsSettings.Builder withClientPem(TlsSettings.Builder b, Path pem) {
    try {
      return b.clientCertificatePem(pem, pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Case(String name, String keystore, String haproxy, Supplier<TlsSettings.Builder> lbkit) {}

  @Test
  void verdictsOverTls_matchHaproxy() throws Exception {
    Path dir = Files.createTempDirectory("lbkit-hc-tls");
    Path caPem = dir.resolve("ca.pem");
    KeyStore ca = TestTls.trustOf("ca");
    Certificate caCert = ca.getCertificate(ca.aliases().nextElement());
    Files.writeString(caPem, pem("CERTIFICATE", caCert.getEncoded()));
    clientCertificates(dir, caPem);
    Path clientCa = dir.resolve("client-ca.pem");
    Path clientOther = dir.resolve("client-other.pem");
    String verify = "check-ssl verify required ca-file " + caPem;
    List<Case> cases = List.of(
        new Case("good_verify", "server", verify, TestTls::trustingServer),
        new Case("good_noverify", "server", "check-ssl verify none", () -> TlsSettings.builder().verify(false)),
        new Case("expired_verify", "expired", verify, TestTls::trustingServer),
        new Case("expired_noverify", "expired", "check-ssl verify none", () -> TlsSettings.builder().verify(false)),
        new Case("selfsigned_verify", "client", verify, TestTls::trustingServer),
        new Case("selfsigned_noverify", "client", "check-ssl verify none",
            () -> TlsSettings.builder().verify(false)),
        new Case("sni_right", "server", verify + " check-sni check.lbkit.test",
            () -> TestTls.trustingServer().serverName("check.lbkit.test")),
        new Case("sni_wrong", "server", verify + " check-sni wrong.lbkit.test",
            () -> TestTls.trustingServer().serverName("wrong.lbkit.test")),
        new Case("sni_wrong_noverify", "server", "check-ssl verify none check-sni wrong.lbkit.test",
            () -> TlsSettings.builder().verify(false).serverName("wrong.lbkit.test")),
        new Case("plain_server", null, "check-ssl verify none", () -> TlsSettings.builder().verify(false)),
        // a trusted certificate that does not name 127.0.0.1: HAProxy checks a name only from the SNI or verifyhost
        new Case("othername_verify", "other", verify, () -> TestTls.trustingServer().addressCheck(false)),
        new Case("othername_verify_address", "other", verify + " verifyhost 127.0.0.1",
            TestTls::trustingServer),
        new Case("othername_verifyhost", "other", verify + " verifyhost other.lbkit.test",
            () -> TestTls.trustingServer().addressCheck(false).verifyHost("other.lbkit.test")),
        new Case("othername_verifyhost_wrong", "other", verify + " verifyhost wrong.lbkit.test",
            () -> TestTls.trustingServer().addressCheck(false).verifyHost("wrong.lbkit.test")),
        new Case("othername_sni", "other", verify + " check-sni other.lbkit.test",
            () -> TestTls.trustingServer().serverName("other.lbkit.test")),
        new Case("othername_sni_over_verifyhost", "other", verify + " check-sni other.lbkit.test verifyhost "
            + "wrong.lbkit.test", () -> TestTls.trustingServer().serverName("other.lbkit.test")
            .verifyHost("wrong.lbkit.test")),
        // a server that speaks garbage instead of TLS
        new Case("garbage_noverify", "garbage", "check-ssl verify none", () -> TlsSettings.builder().verify(false)),
        new Case("garbage_verify", "garbage", verify, TestTls::trustingServer),
        // a server that requires a client certificate signed by the test CA (HAProxy: the server's crt)
        new Case("mtls_cert", "mtls", "check-ssl verify none crt " + clientCa,
            () -> withClientPem(TlsSettings.builder().verify(false), clientCa)),
        new Case("mtls_cert_verify", "mtls", verify + " crt " + clientCa,
            () -> withClientPem(TestTls.trustingServer().addressCheck(false), clientCa)),
        new Case("mtls_nocert", "mtls", "check-ssl verify none", () -> TlsSettings.builder().verify(false)),
        new Case("mtls_nocert_tls12", "mtls", "check-ssl verify none ssl-max-ver TLSv1.2",
            () -> TlsSettings.builder().verify(false).protocols("TLSv1.2")),
        new Case("mtls_cert_tls12", "mtls", "check-ssl verify none ssl-max-ver TLSv1.2 crt " + clientCa,
            () -> withClientPem(TlsSettings.builder().verify(false).protocols("TLSv1.2"), clientCa)),
        new Case("mtls_othercert", "mtls", "check-ssl verify none crt " + clientOther,
            () -> withClientPem(TlsSettings.builder().verify(false), clientOther)),
        new Case("plain_cert", null, "check-ssl verify none crt " + clientCa,
            () -> withClientPem(TlsSettings.builder().verify(false), clientCa)),
        // a client certificate offered to a server that asks for none
        new Case("good_cert_unasked", "server", verify + " crt " + clientCa,
            () -> withClientPem(TestTls.trustingServer().addressCheck(false), clientCa)));
    Map<String, SSLContext> contexts = new HashMap<>();
    for (String name : List.of("server", "expired", "client")) {
      contexts.put(name, TestTls.serverContext(name, null));
    }
    contexts.put("other", otherNameContext(dir, caPem));
    contexts.put("mtls", TestTls.serverContext("server", TestTls.trustOf("ca")));
    List<ServerSocket> servers = new ArrayList<>();
    StringBuilder cfg = new StringBuilder("defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n"
        + "  timeout server 5s\n  timeout check 2s\n\n");
    try {
      for (Case c : cases) {
        ServerSocket s = "garbage".equals(c.keystore()) ? garbageServer()
            : server(c.keystore() == null ? null : contexts.get(c.keystore()), "mtls".equals(c.keystore()));
        servers.add(s);
        cfg.append("backend ").append(c.name()).append("\n  option httpchk GET /\n  server s 127.0.0.1:")
            .append(s.getLocalPort()).append(" check inter 1000 rise 1 fall 1 ").append(c.haproxy()).append("\n\n");
      }
      List<String> differences = new ArrayList<>();
      StringBuilder trace = new StringBuilder();
      try (RealHaproxy haproxy = new RealHaproxy(cfg.toString());
          HealthChecker checker = HealthChecker.builder().build()) {
        Map<String, String[]> stat = Map.of();
        for (int i = 0; i < 100 && (i < 25 || stat.size() < cases.size() || stat.values().stream()
            .anyMatch(r -> r[RealHaproxy.CHECK_STATUS].contains("INI"))); i++) {
          // at least 2.5 s: two checks of each server or more (once a second: 26 servers' TLS handshakes every 200 ms
          // kept a loaded 2-core machine busy enough for HAProxy's to time out)
          Thread.sleep(100);
          stat = haproxy.stat();
        }
        List<CompletableFuture<CheckResult>> results = new ArrayList<>(); // all at once: the timeouts overlap
        for (int i = 0; i < cases.size(); i++) {
          HttpCheck check = HttpCheck.haproxy(new Endpoint(InetAddress.getLoopbackAddress(),
              servers.get(i).getLocalPort())).method("GET").path("/").tls(cases.get(i).lbkit().get().build()).build();
          results.add(checker.checkOnce(check, Duration.ofSeconds(2)));
        }
        for (int i = 0; i < cases.size(); i++) {
          Case c = cases.get(i);
          CheckResult ours = Await.result(results.get(i));
          String[] row = stat.get(c.name());
          String status = row == null ? "?" : row[RealHaproxy.STATUS];
          String why = row == null ? "?" : row[RealHaproxy.CHECK_STATUS];
          trace.append(c.name()).append(": haproxy ").append(status).append(" (").append(why).append("), lbkit ")
              .append(ours).append('\n');
          if (status.startsWith("UP") != ours.isUp()) {
            differences.add(c.name() + ": haproxy " + status + " (" + why + "), lbkit " + ours);
          } else if (ours instanceof CheckResult.Down down
              && !SAME_CLASS.getOrDefault(why.replace("* ", ""), Set.of()).contains(down.reason())) {
            differences.add(c.name() + ": haproxy " + why + ", lbkit " + down.reason());
          }
        }
      }
      System.out.print(trace);
      assertTrue(differences.isEmpty(), String.join("\n", differences) + "\n\n" + trace + "\n" + cfg);
    } finally {
      for (ServerSocket s : servers) {
        s.close();
      }
    }
  }
}
