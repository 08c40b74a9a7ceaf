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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
    // bound, never listening: refused, and no other socket can be given the port meanwhile
    try (Socket closed = new Socket()) {
      closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      assertEquals(1, run("check", "tcp", "127.0.0.1:" + closed.getLocalPort(), "--once"));
    }
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
  @Timeout(30)
  void onceHttp_silentServer_isDownByTimeout_andTheDeadlineIsTheWholeCheck() throws Exception {
    int port = serve(null);
    assertEquals(1, run("check", "http", "http://127.0.0.1:" + port + "/", "--once", "--timeout", "0.5"));
    assertTrue(stdout().contains("\"reason\":\"timeout\""), stdout());
    long elapsed = Long.parseLong(stdout().replaceAll("(?s).*\"elapsed_ms\":(\\d+).*", "$1"));
    // the deadline is the check's whole time, so it is never cut short; that it is over soon after 0.5 s is a
    // timing claim, asserted by CheckCliIT on the real process (STYLE.md: no wall-clock bounds in unit tests).
    // A check that waited for the silent server would not end at all: the method's @Timeout catches that.
    assertTrue(elapsed >= 500, "elapsed_ms " + elapsed + ": " + stdout());
  }

  /** A loopback server that records the head of each request it gets and answers {@code response} to each. */
  private BlockingQueue<String> serveRecording(String response) throws IOException {
    BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.setSoTimeout(3000);
          InputStream in = s.getInputStream();
          StringBuilder head = new StringBuilder();
          int b;
          while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
            head.append((char) b);
          }
          heads.add(head.toString());
          s.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // next connection
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return heads;
  }

  @Test
  void onceHttp_virtualhost_isTheHostHeader() throws Exception {
    BlockingQueue<String> heads = serveRecording("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    String url = "http://127.0.0.1:" + server.getLocalPort() + "/health?x=1";
    assertEquals(0, run("check", "http", url, "--once", "--virtualhost", "www.example.test"), stdout() + err);
    String head = heads.poll(5, TimeUnit.SECONDS);
    assertTrue(head != null && head.startsWith("GET /health?x=1 HTTP/1.0\r\n"), head);
    assertTrue(head.contains("\r\nHost: www.example.test\r\n"), head);
    out.reset();
    assertEquals(0, run("check", "http", url, "--once", "--haproxy", "--method", "HEAD", "--http-version",
        "HTTP/1.1", "--virtualhost", "www.example.test"), stdout() + err);
    head = heads.poll(5, TimeUnit.SECONDS);
    assertTrue(head != null && head.startsWith("HEAD /health?x=1 HTTP/1.1\r\n"), head);
    assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("\r\nhost: www.example.test\r\n"), head);
  }

  /** An agent that answers its n-th connection (from 0) with {@code replies[n]} and records what it was sent. */
  private BlockingQueue<String> serveAgent(String... replies) throws IOException {
    BlockingQueue<String> sent = new LinkedBlockingQueue<>();
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger count = new AtomicInteger();
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.setSoTimeout(200);
          byte[] buf = new byte[256];
          int n = 0;
          try {
            n = Math.max(0, s.getInputStream().read(buf));
          } catch (java.net.SocketTimeoutException e) {
            // the agent was sent nothing
          }
          sent.add(new String(buf, 0, n, StandardCharsets.US_ASCII));
          s.getOutputStream().write(replies[count.getAndIncrement()].getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // next connection
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return sent;
  }

  @Test
  void onceAgent_eachReply_andItsExitStatus() throws Exception {
    BlockingQueue<String> sent = serveAgent("up 75%\n", "drain\n", "ready\n", "down\n", "maint\n", "bogus\n");
    String agent = "127.0.0.1:" + server.getLocalPort();
    assertEquals(0, run("check", "agent", agent, "--once", "--send", "hello\\n"), stdout() + err);
    assertEquals("hello\n", sent.poll(5, TimeUnit.SECONDS));
    assertTrue(stdout().contains("\"result\":\"up\",\"weight_percent\":75,"), stdout());
    out.reset();
    assertEquals(0, run("check", "agent", agent, "--once"));
    assertTrue(stdout().contains("\"result\":\"up\",\"weight_percent\":0,"), stdout()); // drain: weight 0
    out.reset();
    assertEquals(0, run("check", "agent", agent, "--once"));
    assertTrue(stdout().contains("\"result\":\"up\",\"detail\":\"agent: ready\""), stdout());
    out.reset();
    assertEquals(1, run("check", "agent", agent, "--once"));
    assertTrue(stdout().contains("\"result\":\"down\",\"reason\":\"agent down\""), stdout());
    out.reset();
    assertEquals(1, run("check", "agent", agent, "--once"));
    assertTrue(stdout().contains("\"result\":\"down\",\"reason\":\"maintenance\""), stdout());
    out.reset();
    assertEquals(1, run("check", "agent", agent, "--once"));
    assertTrue(stdout().contains("\"result\":\"down\",\"reason\":\"protocol error\""), stdout());
  }

  /**
   * A TLS server presenting the self-signed tls/server.p12 (CN and IP SAN 127.0.0.1) that records the SNI name each
   * client sent ("" for none) and answers 200.
   */
  private BlockingQueue<String> serveTlsRecordingSni() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = CheckCommandTest.class.getResourceAsStream("/tls/server.p12")) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    BlockingQueue<String> names = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.setSoTimeout(3000);
          s.startHandshake();
          names.add(((ExtendedSSLSession) s.getSession()).getRequestedServerNames().stream()
              .map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse(""));
          s.getInputStream().read(new byte[4096]);
          s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // a client that refused the certificate: next connection
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return names;
  }

  /** The certificate of tls/server.p12 as a PEM file. */
  private static String serverCertificatePem() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = CheckCommandTest.class.getResourceAsStream("/tls/server.p12")) {
      keys.load(in, "changeit".toCharArray());
    }
    byte[] der = keys.getCertificate(keys.aliases().nextElement()).getEncoded();
    Path p = Files.createTempFile("lbkit-cli", "-server.pem");
    p.toFile().deleteOnExit();
    Files.writeString(p, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(der) + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
    return p.toString();
  }

  @Test
  void onceHttps_verifiesByDefault_noVerifyAndCacertAndSni() throws Exception {
    BlockingQueue<String> sni = serveTlsRecordingSni();
    String url = "https://127.0.0.1:" + server.getLocalPort() + "/";
    // verification is on by default: a self-signed certificate nobody trusts is down, for the certificate
    assertEquals(1, run("check", "https", url, "--once", "--timeout", "3"), stdout() + err);
    assertTrue(stdout().contains("\"result\":\"down\",\"reason\":\"certificate\""), stdout());
    out.reset();
    // --no-verify takes it; --sni sends the name given
    assertEquals(0, run("check", "https", url, "--once", "--timeout", "3", "--no-verify", "--sni",
        "backend.example.test"), stdout() + err);
    assertEquals("backend.example.test", lastName(sni, "backend.example.test"));
    out.reset();
    // trusted by --cacert and checked against the URL's address (its IP SAN), with no SNI for an address
    String ca = serverCertificatePem();
    assertEquals(0, run("check", "https", url, "--once", "--timeout", "3", "--cacert", ca), stdout() + err);
    assertEquals("", lastName(sni, ""));
    out.reset();
    // trusted, but the name checked is the SNI's, which the certificate does not hold
    assertEquals(1, run("check", "https", url, "--once", "--timeout", "3", "--cacert", ca, "--sni",
        "backend.example.test"), stdout() + err);
    assertTrue(stdout().contains("\"result\":\"down\",\"reason\":\"certificate\""), stdout());
  }

  /**
   * The SNI name of the handshake that answered, waiting for it: the server records a name only once its handshake
   * completed, after those of failed runs, so the queue is read until {@code expected} or five seconds.
   */
  private static String lastName(BlockingQueue<String> names, String expected) throws InterruptedException {
    String last = null;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      String n = names.poll(100, TimeUnit.MILLISECONDS);
      if (n != null) {
        last = n;
        if (n.equals(expected)) {
          return n;
        }
      }
    }
    return last;
  }

  @Test
  void watch_retry_retriesAFailureOfAnUpServerBeforeTakingItDown() throws Exception {
    String url = "http://127.0.0.1:" + serveFailingOnce() + "/";
    // control: without --retry the first 503 takes it down (fall 1), with its reason
    assertEquals(0, run("check", "http", url, "--interval", "0.2", "--rise", "1", "--fall", "1", "--duration",
        "1"), stdout() + err);
    assertTrue(stdout().contains("\"event\":\"down\",\"destination\":\"127.0.0.1:" + server.getLocalPort()
        + "\",\"weight\":0,\"reason_code\":\"bad status\",\"reason\":\""), stdout());
    stop();
    out.reset();
    AtomicInteger requests = new AtomicInteger();
    url = "http://127.0.0.1:" + serveEach(n -> {
      requests.incrementAndGet();
      return (n == 0 ? "HTTP/1.0 503 Busy\r\n" : "HTTP/1.0 200 OK\r\n") + "Content-Length: 0\r\n\r\n";
    }) + "/";
    assertEquals(0, run("check", "http", url, "--interval", "0.2", "--rise", "1", "--fall", "1", "--retry", "1",
        "--delay-before-retry", "0.1", "--duration", "1"), stdout() + err);
    assertTrue(requests.get() >= 2, requests + " requests: the 503 was never retried");
    assertFalse(stdout().contains("\"event\":\"down\""), stdout());
    assertEquals(1, stdout().lines().count(), stdout()); // the initial up line only
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
