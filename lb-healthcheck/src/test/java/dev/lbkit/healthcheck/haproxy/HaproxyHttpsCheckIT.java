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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;

/**
 * HTTPS checks ({@code check-ssl}, {@code verify none}, {@code verify required ca-file}, {@code check-sni}) by a real
 * HAProxy 2.6 and by lbkit's {@link HttpCheck} with {@link TlsSettings}, against real TLS servers on loopback
 * presenting the test certificates ({@link TestTls}): a good one signed by the test CA for 127.0.0.1 and
 * check.lbkit.test, an expired one, a self-signed one; and a server that speaks no TLS. Both must reach the same
 * verdict; when down, HAProxy's layer-6 refusal ({@code L6RSP}) must be lbkit's certificate or handshake reason, and
 * its layer-6 timeout ({@code L6TOUT}: a plain server waits for a request while the checker waits for its TLS
 * answer) lbkit's timeout.
 *
 * <p>Names: HAProxy checks the certificate's names against the SNI it sent, else against {@code verifyhost}, else
 * not at all. A certificate made here for other.lbkit.test only shows it; lbkit does the same with
 * {@link TlsSettings.Builder#addressCheck addressCheck(false)} and {@link TlsSettings.Builder#verifyHost}, while its
 * default checks the target's address when no name is given.
 */
final class HaproxyHttpsCheckIT {

  /** A TLS (or, with a null keystore, plain) HTTP server answering 200 to every request it reads. */
  private static ServerSocket server(SSLContext tls) throws IOException {
    ServerSocket s = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
        : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    if (s instanceof SSLServerSocket ssl) {
      ssl.setNeedClientAuth(false);
    }
    Thread t = new Thread(() -> {
      while (!s.isClosed()) {
        try (Socket c = s.accept()) {
          c.setSoTimeout(3000);
          InputStream in = c.getInputStream(); // the handshake runs on the first read
          ScriptedBackend.readHead(in);
          c.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
              .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          if (s.isClosed()) {
            return;
          } // a failed handshake: the checker hung up; serve the next
        }
      }
    }, "tls-backend");
    t.setDaemon(true);
    t.start();
    return s;
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
    keytool(dir, keytool, "-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1",
        "-storetype", "PKCS12", "-storepass", pass, "-keypass", pass, "-dname", "CN=other.lbkit.test",
        "-keystore", other.toString());
    keytool(dir, keytool, "-certreq", "-alias", "other", "-keystore", other.toString(), "-storepass", pass, "-file",
        "other.csr");
    keytool(dir, keytool, "-gencert", "-alias", "ca", "-keystore", caP12.toString(), "-storepass", pass, "-infile",
        "other.csr", "-outfile", "other.crt", "-rfc", "-ext", "SAN=dns:other.lbkit.test", "-validity", "3650");
    keytool(dir, keytool, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
        other.toString(), "-storepass", pass);
    keytool(dir, keytool, "-importcert", "-noprompt", "-alias", "other", "-file", "other.crt", "-keystore",
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

  private static void keytool(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  private record Case(String name, String keystore, String haproxy, Supplier<TlsSettings.Builder> lbkit) {}

  @Test
  void verdictsOverTls_matchHaproxy() throws Exception {
    Path dir = Files.createTempDirectory("lbkit-hc-tls");
    Path caPem = dir.resolve("ca.pem");
    KeyStore ca = TestTls.trustOf("ca");
    Certificate caCert = ca.getCertificate(ca.aliases().nextElement());
    Files.writeString(caPem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64,
        "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
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
            .verifyHost("wrong.lbkit.test")));
    Map<String, SSLContext> contexts = new HashMap<>();
    for (String name : List.of("server", "expired", "client")) {
      contexts.put(name, TestTls.serverContext(name, null));
    }
    contexts.put("other", otherNameContext(dir, caPem));
    List<ServerSocket> servers = new ArrayList<>();
    StringBuilder cfg = new StringBuilder("defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n"
        + "  timeout server 5s\n  timeout check 2s\n\n");
    try {
      for (Case c : cases) {
        ServerSocket s = server(c.keystore() == null ? null : contexts.get(c.keystore()));
        servers.add(s);
        cfg.append("backend ").append(c.name()).append("\n  option httpchk GET /\n  server s 127.0.0.1:")
            .append(s.getLocalPort()).append(" check inter 200 rise 1 fall 1 ").append(c.haproxy()).append("\n\n");
      }
      List<String> differences = new ArrayList<>();
      StringBuilder trace = new StringBuilder();
      try (RealHaproxy haproxy = new RealHaproxy(cfg.toString());
          HealthChecker checker = HealthChecker.builder().build()) {
        Map<String, String[]> stat = Map.of();
        for (int i = 0; i < 100 && (i < 15 || stat.size() < cases.size() || stat.values().stream()
            .anyMatch(r -> r[RealHaproxy.CHECK_STATUS].contains("INI"))); i++) {
          Thread.sleep(100); // at least 1.5 s: several checks of each server
          stat = haproxy.stat();
        }
        for (int i = 0; i < cases.size(); i++) {
          Case c = cases.get(i);
          HttpCheck check = HttpCheck.haproxy(new Endpoint(InetAddress.getLoopbackAddress(),
              servers.get(i).getLocalPort())).method("GET").path("/").tls(c.lbkit().get().build()).build();
          CheckResult ours = Await.result(checker.checkOnce(check, Duration.ofSeconds(2)));
          String[] row = stat.get(c.name());
          String status = row == null ? "?" : row[RealHaproxy.STATUS];
          String why = row == null ? "?" : row[RealHaproxy.CHECK_STATUS];
          trace.append(c.name()).append(": haproxy ").append(status).append(" (").append(why).append("), lbkit ")
              .append(ours).append('\n');
          if (status.startsWith("UP") != ours.isUp()) {
            differences.add(c.name() + ": haproxy " + status + " (" + why + "), lbkit " + ours);
          } else if (ours instanceof CheckResult.Down down && (why.contains("L6RSP")
              && !Set.of(DownReason.CERTIFICATE, DownReason.TLS_HANDSHAKE).contains(down.reason())
              || why.contains("L6TOUT") && down.reason() != DownReason.TIMEOUT)) {
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
