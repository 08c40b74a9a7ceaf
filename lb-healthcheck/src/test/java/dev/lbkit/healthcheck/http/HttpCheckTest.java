package dev.lbkit.healthcheck.http;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.AllOf;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP checks against the JDK's HTTP server on loopback. */
final class HttpCheckTest {
  private static final String BODY = "<html>all good: ready</html>\n";

  private final HealthChecker checker = HealthChecker.builder().build();
  private final List<String> hosts = new CopyOnWriteArrayList<>();
  private final List<String> requestLines = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private Endpoint target;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", ex -> respond(ex, 200, BODY, false));
    server.createContext("/down", ex -> respond(ex, 503, "maintenance\n", false));
    server.createContext("/redirect", ex -> respond(ex, 302, "", false));
    server.createContext("/chunked", ex -> respond(ex, 200, BODY, true));
    server.start();
    target = new Endpoint(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
  }

  private void respond(HttpExchange ex, int status, String body, boolean chunked) throws IOException {
    hosts.add(ex.getRequestHeaders().getFirst("Host"));
    requestLines.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getProtocol());
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : chunked ? 0 : b.length == 0 ? -1 : b.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
    ex.close();
  }

  @AfterEach
  void stop() {
    checker.close();
    server.stop(0);
  }

  private CheckResult check(HttpCheck c) {
    return result(checker.checkOnce(c, Duration.ofSeconds(5)));
  }

  static String md5(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void status200_isUp_andTheRequestIsKeepalivedStyle() {
    up(check(HttpCheck.builder(target).build()));
    assertEquals("GET / HTTP/1.0", requestLines.get(0));
    assertEquals("127.0.0.1:" + target.port(), hosts.get(0));
  }

  @Test
  void status503_isBadStatus_unlessListed() {
    CheckResult.Down d = down(check(HttpCheck.builder(target).path("/down").build()), DownReason.BAD_STATUS);
    assertEquals("status 503 not in 200-299", d.detail());
    up(check(HttpCheck.builder(target).path("/down").statusCodes(StatusCodes.parse("200-299,503")).build()));
  }

  @Test
  void redirect_isDownForKeepalivedDefaults_upForHaproxyDefaults() {
    down(check(HttpCheck.builder(target).path("/redirect").build()), DownReason.BAD_STATUS);
    up(check(HttpCheck.builder(target).path("/redirect").statusCodes(StatusCodes.SUCCESS_OR_REDIRECT).build()));
  }

  @Test
  void haproxyStyle_sendsOnlyWhatIsConfigured_andTakes2xxOr3xx() {
    Endpoint e = Endpoint.parse("192.0.2.1:80");
    assertEquals("OPTIONS / HTTP/1.0\r\n\r\n", text(HttpCheck.haproxy(e).build().request()));
    assertEquals("POST /p HTTP/1.1\r\nhost: h\r\nx-probe: 1\r\ncontent-length: 4\r\nconnection: close\r\n\r\nping",
        text(HttpCheck.haproxy(e).method("POST").path("/p").version("HTTP/1.1").virtualHost("h")
            .header("X-Probe", "1").body("ping").build().request()));
    assertEquals(StatusCodes.SUCCESS_OR_REDIRECT, HttpCheck.haproxy(e).build().statusCodes());
    up(check(HttpCheck.haproxy(target).method("GET").path("/redirect").build()));
    assertEquals("GET /redirect HTTP/1.0", requestLines.get(0));
    assertEquals(null, hosts.get(0)); // HAProxy makes up no Host header
  }

  @Test
  void keepalivedStyle_withABody_sendsItsLength() {
    assertEquals("POST / HTTP/1.0\r\nHost: 192.0.2.1:80\r\nUser-Agent: lbkit-healthcheck\r\nConnection: close\r\n"
        + "Content-Length: 2\r\n\r\nhi", text(HttpCheck.builder(Endpoint.parse("192.0.2.1:80")).method("POST")
            .body("hi").build().request()));
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void rstatus_matchesTheThreeDigits() {
    up(check(HttpCheck.builder(target).statusPattern("^2").build()));
    down(check(HttpCheck.builder(target).statusPattern("^3").build()), DownReason.BAD_STATUS);
  }

  @Test
  void digest_isTheMd5OfTheBody() throws Exception {
    up(check(HttpCheck.builder(target).digest(md5(BODY)).build()));
    CheckResult.Down d = down(check(HttpCheck.builder(target).digest(md5("something else")).build()),
        DownReason.DIGEST_MISMATCH);
    assertTrue(d.detail().contains(md5(BODY)), d.detail());
  }

  @Test
  void digest_ofAChunkedBody_isOfTheDecodedBytes() throws Exception {
    up(check(HttpCheck.builder(target).path("/chunked").version("HTTP/1.1").digest(md5(BODY)).build()));
    assertEquals("GET /chunked HTTP/1.1", requestLines.get(0));
  }

  @Test
  void expectString_andRstring_andNegation() {
    up(check(HttpCheck.builder(target).expect(BodyExpect.string("all good")).build()));
    down(check(HttpCheck.builder(target).expect(BodyExpect.string("nope")).build()), DownReason.CONTENT_MISMATCH);
    up(check(HttpCheck.builder(target).expect(BodyExpect.rstring("good: (ready|warming)")).build()));
    down(check(HttpCheck.builder(target).expect(BodyExpect.string("all good").negated()).build()),
        DownReason.CONTENT_MISMATCH);
    up(check(HttpCheck.builder(target).path("/chunked").version("HTTP/1.1")
        .expect(BodyExpect.rstring("ready</html>$").negated().negated()).build()));
  }

  @Test
  void negatedStatusAndRstatus_passEverythingElse_likeHaproxy() {
    up(check(HttpCheck.builder(target).path("/down").expect("! status 200-299").build())); // 503 passes
    down(check(HttpCheck.builder(target).expect("!status 200").build()), DownReason.BAD_STATUS);
    down(check(HttpCheck.builder(target).path("/down").expect("! rstatus ^5").build()), DownReason.BAD_STATUS);
    up(check(HttpCheck.builder(target).path("/redirect").expect("! rstatus ^5").build())); // no 2xx default
    up(check(HttpCheck.builder(target).expect("!! status 200").build())); // each ! inverts
    up(check(HttpCheck.builder(target).path("/down").expect(StatusExpect.status(StatusCodes.parse("503")))
        .build()));
    // an explicit keepalived status set still applies beside the rule
    down(check(HttpCheck.builder(target).path("/down").statusCodes(StatusCodes.SUCCESS).expect("! status 200")
        .build()), DownReason.BAD_STATUS);
  }

  @Test
  void severalExpectRules_mustAllHold() {
    up(check(HttpCheck.builder(target).expect("string all good").expect("! string maintenance")
        .expect("status 200").build()));
    CheckResult.Down d = down(check(HttpCheck.builder(target).expect("string all good").expect("! string ready")
        .build()), DownReason.CONTENT_MISMATCH);
    assertTrue(d.detail().endsWith("! string ready"), d.detail());
    down(check(HttpCheck.builder(target).path("/down").expect("status 200-599").expect("! status 503").build()),
        DownReason.BAD_STATUS);
  }

  @Test
  void bodyRule_onAnEmptyBody_failsEvenWhenNegated() {
    CheckResult.Down d = down(check(HttpCheck.builder(target).path("/redirect").expect("! string anything")
        .build()), DownReason.CONTENT_MISMATCH);
    assertTrue(d.detail().contains("no response body"), d.detail());
    down(check(HttpCheck.builder(target).expect("! rstring ^<html>").build()), DownReason.CONTENT_MISMATCH);
    up(check(HttpCheck.builder(target).expect("! rstring ^ready").build()));
  }

  @Test
  void expectRule_withoutKeywordOrPattern_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> HttpCheck.builder(target).expect("! status"));
    assertThrows(IllegalArgumentException.class, () -> HttpCheck.builder(target).expect("header name X"));
    assertThrows(IllegalArgumentException.class, () -> HttpCheck.builder(target).expect("status 2xx"));
    assertThrows(IllegalArgumentException.class, () -> HttpCheck.builder(target).expect("rstatus ("));
  }

  @Test
  void virtualHost_isTheHostHeader_andMethodIsHonoured() {
    up(check(HttpCheck.builder(target).method("HEAD").path("/health?x=1").virtualHost("www.example.com").build()));
    assertEquals("www.example.com", hosts.get(0));
    assertEquals("HEAD /health?x=1 HTTP/1.0", requestLines.get(0));
  }

  @Test
  void severalUrls_allMustPass() {
    up(result(checker.checkOnce(AllOf.of(HttpCheck.builder(target).build(),
        HttpCheck.builder(target).path("/chunked").build()), Duration.ofSeconds(5))));
    down(result(checker.checkOnce(AllOf.of(HttpCheck.builder(target).build(),
        HttpCheck.builder(target).path("/down").build()), Duration.ofSeconds(5))), DownReason.BAD_STATUS);
  }

  @Test
  void badConfiguration_isRejectedWithTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HttpCheck.builder(target).digest("xyz"));
    assertTrue(e.getMessage().contains("digest"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HttpCheck.builder(target).path("no-slash"));
    assertThrows(IllegalArgumentException.class, () -> HttpCheck.builder(target).path("/a b"));
    assertThrows(IllegalArgumentException.class, () -> HttpCheck.builder(target).header("X", "a\r\nb"));
    assertThrows(IllegalArgumentException.class, () -> StatusCodes.parse("200-abc"));
    assertThrows(IllegalArgumentException.class, () -> StatusCodes.parse("299-200"));
    assertThrows(IllegalArgumentException.class, () -> HttpCheck.builder(target).version("HTTP/2"));
  }
}
