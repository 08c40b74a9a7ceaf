package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code lbkit check} end to end against loopback servers. */
final class CheckCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private ServerSocket server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private int run(String... args) {
    return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A server that answers every connection with {@code response} (or nothing when null). */
  private int serve(String response) throws IOException {
    return serveEach(n -> response);
  }

  /** A server that answers its n-th connection (from 0) with {@code responses.apply(n)} (or nothing when null). */
  private int serveEach(IntFunction<String> responses) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger count = new AtomicInteger();
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          byte[] buf = new byte[4096];
          in.read(buf);
          String response = responses.apply(count.getAndIncrement());
          if (response == null) {
            while (in.read() >= 0) {
              // say nothing until the checker gives up
            }
          } else {
            OutputStream o = s.getOutputStream();
            o.write(response.getBytes(StandardCharsets.US_ASCII));
            o.flush();
          }
        } catch (IOException e) {
          // next connection
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server.getLocalPort();
  }

  @Test
  void onceTcp_up_exitsZero_withJson() throws Exception {
    int port = serve("");
    assertEquals(0, run("check", "tcp", "127.0.0.1:" + port, "--once", "--timeout", "2"));
    assertTrue(stdout().startsWith("{\"check\":\"TCP connect to 127.0.0.1:" + port + "\",\"result\":\"up\""),
        stdout());
  }

  @Test
  void onceTcp_refused_exitsOne_withTheReason() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertEquals(1, run("check", "tcp", "127.0.0.1:" + port, "--once"));
    assertTrue(stdout().contains("\"result\":\"down\",\"reason\":\"refused\""), stdout());
  }

  @Test
  void onceHttp_statusRangesAndDigest() throws Exception {
    int port = serve("HTTP/1.0 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nhello");
    String url = "http://127.0.0.1:" + port + "/health";
    assertEquals(1, run("check", "http", url, "--once"));
    assertTrue(stdout().contains("\"reason\":\"bad status\",\"detail\":\"status 503 not in 200-299\""), stdout());
    // md5("hello")
    assertEquals(0, run("check", "http", url, "--once", "--status", "200-299,503",
        "--digest", "5d41402abc4b2a76b9719d911017c592"));
    assertEquals(1, run("check", "http", url, "--once", "--status", "503", "--expect-string", "bye"));
  }

  @Test
  void onceHttp_haproxyExpectRules_withNegation() throws Exception {
    int port = serve("HTTP/1.0 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nhello");
    String url = "http://127.0.0.1:" + port + "/health";
    assertEquals(0, run("check", "http", url, "--once", "--expect", "! status 200-299"));
    assertEquals(1, run("check", "http", url, "--once", "--expect", "! rstatus ^5"));
    assertTrue(stdout().contains("fails expect ! rstatus ^5"), stdout());
    assertEquals(0, run("check", "http", url, "--once", "--expect", "status 503", "--expect", "! string bye"));
    assertEquals(1, run("check", "http", url, "--once", "--expect", "status 503", "--expect", "! string hell"));
    assertEquals(2, run("check", "http", url, "--once", "--expect", "stat 503"));
  }

  @Test
  void onceHttp_haproxyRequest_takesARedirect_andDescribesOptions() throws Exception {
    int port = serve("HTTP/1.0 302 Found\r\nContent-Length: 0\r\n\r\n");
    String url = "http://127.0.0.1:" + port + "/";
    assertEquals(1, run("check", "http", url, "--once"));
    assertEquals(0, run("check", "http", url, "--once", "--haproxy", "--body", "ping"));
    assertTrue(stdout().contains("HTTP OPTIONS / on 127.0.0.1:" + port), stdout());
  }

  @Test
  void onceUdp_silenceIsUpUnlessAReplyIsRequired() throws Exception {
    try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      String target = "127.0.0.1:" + silent.getLocalPort();
      assertEquals(0, run("check", "udp", target, "--once", "--timeout", "0.3"));
      assertEquals(1, run("check", "udp", target, "--once", "--timeout", "0.3", "--require-reply"));
      assertTrue(stdout().contains("\"reason\":\"timeout\""), stdout());
      assertEquals(2, run("check", "udp", target, "--once", "--require-reply-hex", "4g"));
    }
  }

  @Test
  void onceHttp_silentServer_isTimeoutWithinTheGivenTimeout() throws Exception {
    int port = serve(null);
    assertEquals(1, run("check", "http", "http://127.0.0.1:" + port + "/", "--once", "--timeout", "0.3"));
    assertTrue(stdout().contains("\"reason\":\"timeout\""), stdout());
  }

  @Test
  void onceMisc_dynamicWeight() {
    assertEquals(0, run("check", "misc", "--once", "--dynamic", "--", "sh", "-c", "exit 12"));
    assertTrue(stdout().contains("\"weight\":10"), stdout());
    out.reset();
    assertEquals(1, run("check", "misc", "--once", "--", "false"));
    out.reset();
    assertEquals(1, run("check", "misc", "--once", "--dynamic", "--", "sh", "-c", "kill -TERM $$"));
    assertTrue(stdout().contains("\"reason\":\"signaled\""), stdout());
    assertEquals(2, run("check", "misc", "--once", "--user", "a b c", "--", "true"));
  }

  @Test
  void watch_printsOneJsonLinePerTransition() throws Exception {
    int port = serve("");
    assertEquals(0, run("check", "tcp", "127.0.0.1:" + port, "--interval", "0.1", "--duration", "0.5",
        "--weight", "3"));
    String first = stdout().lines().findFirst().orElse("");
    assertTrue(first.matches("\\{\"time\":\"[^\"]+\",\"event\":\"up\",\"destination\":\"127.0.0.1:" + port
        + "\",\"weight\":3,\"reason\":\"initial state\"}"), first);
  }

  @Test
  void badFlags_areUsageErrors() {
    assertEquals(2, run("check", "tcp", "127.0.0.1:80", "--frobnicate"));
    assertEquals(2, run("check", "tcp", "127.0.0.1:80", "--timeout", "soon"));
    assertEquals(2, run("check", "tcp", "127.0.0.1:80", "--timeout", "0"));
    assertEquals(2, run("check", "http", "https://127.0.0.1/"));
    assertEquals(2, run("check", "misc"));
    assertEquals(2, run("check", "http", "http://127.0.0.1/", "--digest", "nothex"));
    assertEquals(2, run("check", "ping", "127.0.0.1:80"));
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains("unknown flag --frobnicate"), e);
    assertTrue(e.contains("--timeout must be seconds"), e);
  }

  @Test
  void badFlags_withOnce_areUsageErrorsToo() {
    // --weight and --duration were read only when watching: with --once any value passed unseen
    assertEquals(2, run("check", "tcp", "127.0.0.1:1", "--once", "--weight", "-5"));
    assertEquals(2, run("check", "tcp", "127.0.0.1:1", "--once", "--duration", "soon"));
    // a value the check itself refuses is a usage error (2), not a failed run (1)
    assertEquals(2, run("check", "dns", "127.0.0.1", "--once", "--type", "BOGUS"));
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains("--weight must be at least 0 but was -5"), e);
    assertTrue(e.contains("--duration must be seconds like 2 or 0.5 but was 'soon'"), e);
    assertTrue(e.contains("DNS query type must be one of"), e);
    assertTrue(stdout().isEmpty(), stdout());
  }

  @Test
  void aValuedFlagGivenTwice_isAUsageError_butExpectRepeats() throws Exception {
    assertEquals(2, run("check", "tcp", "127.0.0.1:1", "--once", "--timeout", "1", "--timeout=5"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--timeout is given twice"), err.toString());
    int port = serve("HTTP/1.0 200 OK\r\n\r\nready");
    assertEquals(0, run("check", "http", "http://127.0.0.1:" + port + "/", "--once", "--expect", "status 200",
        "--expect", "string ready"), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * A TLS server (tls/server.p12) that requires a client certificate it trusts (the self-signed tls/client.crt)
   * and answers 200 to each request.
   */
  private int serveMutualTls() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = CheckCommandTest.class.getResourceAsStream("/tls/server.p12")) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = CheckCommandTest.class.getResourceAsStream("/tls/client.crt")) {
      trust.setCertificateEntry("client", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLServerSocket tls = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
        InetAddress.getLoopbackAddress());
    tls.setNeedClientAuth(true);
    server = tls;
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.setSoTimeout(3000);
          s.getInputStream().read(new byte[4096]);
          s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // a refused client certificate: next connection
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server.getLocalPort();
  }

  private static String resource(String name) throws Exception {
    Path p = Files.createTempFile("lbkit-cli", "-" + name);
    try (InputStream in = CheckCommandTest.class.getResourceAsStream("/tls/" + name)) {
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
    }
    p.toFile().deleteOnExit();
    return p.toString();
  }

  @Test
  void onceHttps_clientCertificatePem_certAndKeyInOneFileOrApart() throws Exception {
    String url = "https://127.0.0.1:" + serveMutualTls() + "/";
    assertEquals(0, run("check", "https", url, "--no-verify", "--cert", resource("client.pem"), "--once",
        "--timeout", "3"), stdout() + err);
    assertEquals(0, run("check", "https", url, "--no-verify", "--cert", resource("client.crt"), "--key",
        resource("client.key"), "--once", "--timeout", "3"), stdout() + err);
    out.reset();
    assertEquals(1, run("check", "https", url, "--no-verify", "--once", "--timeout", "3"), stdout() + err);
    assertTrue(stdout().contains("\"result\":\"down\""), stdout());
  }

  @Test
  void clientCertificateFlags_badInput_isAUsageErrorNamingTheFile() throws Exception {
    String crt = resource("client.crt");
    assertEquals(2, run("check", "https", "https://127.0.0.1:1/", "--cert", crt, "--once"));
    assertEquals(2, run("check", "https", "https://127.0.0.1:1/", "--key", crt, "--once"));
    assertEquals(2, run("check", "https", "https://127.0.0.1:1/", "--cert", crt + ".missing", "--once"));
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains(crt + ": expected one PEM private key block but found 0"), e);
    assertTrue(e.contains("--key needs --cert"), e);
    assertTrue(e.contains(crt + ".missing cannot be read"), e);
  }

  /** An HTTP server whose first answer is 503 and every later one 200. */
  private int serveFailingOnce() throws IOException {
    return serveEach(n -> (n == 0 ? "HTTP/1.0 503 Busy\r\n" : "HTTP/1.0 200 OK\r\n") + "Content-Length: 0\r\n\r\n");
  }

  @Test
  void slowstart_ramps_unlessTheAlgorithmIsStatic() throws Exception {
    String url = "http://127.0.0.1:" + serveFailingOnce() + "/";
    assertEquals(0, run("check", "http", url, "--interval", "0.1", "--rise", "1", "--fall", "1", "--slowstart", "10",
        "--weight", "10", "--duration", "0.8"), stdout() + err);
    assertTrue(stdout().contains("\"event\":\"down\""), stdout());
    assertTrue(stdout().contains("\"old_weight\":10,\"weight\":1,"), stdout()); // ceil(10 / 16): the ramp's first step
    stop();
    out.reset();
    url = "http://127.0.0.1:" + serveFailingOnce() + "/";
    assertEquals(0, run("check", "http", url, "--interval", "0.1", "--rise", "1", "--fall", "1", "--slowstart", "10",
        "--weight", "10", "--duration", "0.8", "--static-algorithm", "--spread-checks", "10"), stdout() + err);
    assertTrue(stdout().contains("\"event\":\"down\""), stdout());
    assertEquals(2, stdout().lines().filter(l -> l.contains("\"event\":\"up\"")).count(), stdout());
    assertFalse(stdout().contains("\"event\":\"weight\""), stdout()); // full weight at once
    assertEquals(2, run("check", "tcp", "127.0.0.1:1", "--once", "--spread-checks", "51"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("spreadChecks must be in [0, 50]"), err.toString(
        StandardCharsets.UTF_8));
  }
}
