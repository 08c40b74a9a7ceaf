package dev.lbkit.healthcheck.dns;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static dev.lbkit.healthcheck.dns.DnsResponder.NOERROR;
import static dev.lbkit.healthcheck.dns.DnsResponder.NXDOMAIN;
import static dev.lbkit.healthcheck.dns.DnsResponder.SERVFAIL;
import static dev.lbkit.healthcheck.dns.DnsResponder.reply;
import static dev.lbkit.healthcheck.dns.DnsResponder.withFlags;
import static dev.lbkit.healthcheck.dns.DnsResponder.withId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * keepalived 2.2.7's DNS_CHECK rule (check_dns.c, dns_recv_thread) against a real UDP responder on loopback: with
 * no expected answer, any datagram of at least 8 bytes with our id and QR set ends the check, NOERROR up and any
 * other RCODE down; other datagrams are ignored until the deadline.
 */
final class DnsKeepalivedRuleTest {
  private static final Duration TIMEOUT = Duration.ofMillis(600);
  private static HealthChecker checker;

  @BeforeAll
  static void start() {
    checker = HealthChecker.builder().build();
  }

  @AfterAll
  static void stop() {
    checker.close();
  }

  private static CheckResult check(Function<byte[], List<byte[]>> script, DnsCheck template) throws Exception {
    try (DnsResponder dns = new DnsResponder(script)) {
      Endpoint at = new Endpoint(InetAddress.getLoopbackAddress(), dns.port());
      DnsCheck c = new DnsCheck(at, template.name(), template.type(), template.expected(), template.bindTo(),
          template.transport());
      CheckResult r = result(checker.checkOnce(c, TIMEOUT));
      assertEquals(1, dns.queries().size(), "one query per attempt, over UDP");
      return r;
    }
  }

  private static DnsCheck soa() {
    return DnsCheck.of(Endpoint.parse("127.0.0.1:53"), DnsCheck.DEFAULT_NAME, DnsCheck.DEFAULT_TYPE);
  }

  private static DnsCheck a(String name) {
    return DnsCheck.of(Endpoint.parse("127.0.0.1:53"), name, "A");
  }

  @Test
  void noErrorWithNoAnswer_isUp() throws Exception {
    CheckResult r = up(check(q -> List.of(reply(q, NOERROR, 0)), a("www.example.com")));
    assertEquals("NOERROR for www.example.com A (0 answers)", r.detail());
    up(check(q -> List.of(reply(q, NOERROR, 0)), soa()));
  }

  @Test
  void noErrorWithRecordsOfAnotherType_isUp() throws Exception {
    // an A record answering an AAAA query: keepalived does not read the answer section
    up(check(q -> List.of(reply(q, NOERROR, 1)), DnsCheck.of(Endpoint.parse("127.0.0.1:53"), "x.test", "AAAA")));
  }

  @Test
  void nxdomain_isDown_named() throws Exception {
    CheckResult.Down d = down(check(q -> List.of(reply(q, NXDOMAIN, 0)), a("gone.example.com")),
        DownReason.BAD_STATUS);
    assertEquals("rcode NXDOMAIN for gone.example.com A", d.detail());
  }

  @Test
  void servfail_isDown_named() throws Exception {
    CheckResult.Down d = down(check(q -> List.of(reply(q, SERVFAIL, 0)), soa()), DownReason.BAD_STATUS);
    assertEquals("rcode SERVFAIL for . SOA", d.detail());
    down(check(q -> List.of(reply(q, 5, 0)), soa()), DownReason.BAD_STATUS); // REFUSED
    down(check(q -> List.of(reply(q, 9, 0)), soa()), DownReason.BAD_STATUS); // beyond the named codes
  }

  @Test
  void wrongId_isIgnored_untilTheRightOne() throws Exception {
    down(check(q -> List.of(withId(reply(q, NOERROR, 0), DnsResponder.id(q) ^ 0x5a5a)), soa()),
        DownReason.TIMEOUT);
    // a wrong id (even an error) first does not end the check; the right answer after it does
    up(check(q -> List.of(withId(reply(q, NXDOMAIN, 0), DnsResponder.id(q) ^ 1), reply(q, NOERROR, 0)), soa()));
  }

  @Test
  void messageWithoutQr_isIgnored() throws Exception {
    down(check(q -> List.of(q), soa()), DownReason.TIMEOUT); // the query echoed back
    up(check(q -> List.of(q, reply(q, NOERROR, 0)), soa()));
  }

  @Test
  void datagramShorterThanEightBytes_isIgnored_butEightAreEnough() throws Exception {
    down(check(q -> List.of(Arrays.copyOf(reply(q, NOERROR, 0), 7)), soa()), DownReason.TIMEOUT);
    up(check(q -> List.of(Arrays.copyOf(reply(q, NOERROR, 0), 8)), soa()));
    down(check(q -> List.of(Arrays.copyOf(reply(q, SERVFAIL, 0), 8)), soa()), DownReason.BAD_STATUS);
  }

  @Test
  void truncatedNoError_isUp_withoutAskingOverTcp() throws Exception {
    // keepalived ignores TC; no TCP listener here, so a fallback would have been refused
    up(check(q -> List.of(withFlags(reply(q, NOERROR, 0), 0x0200)), a("big.example.com")));
  }

  @Test
  void questionIsNotCompared() throws Exception {
    // keepalived reads the id, QR and RCODE only: a response echoing another question still passes
    up(check(q -> {
      byte[] other = a("other.example.com").query(DnsResponder.id(q));
      return List.of(reply(other, NOERROR, 0));
    }, a("www.example.com")));
  }

  @Test
  void silence_isTimeout() throws Exception {
    down(check(q -> List.of(), soa()), DownReason.TIMEOUT);
  }

  @Test
  void withExpectedAddresses_theAnswerIsRead() throws Exception {
    DnsCheck want7 = a("www.example.com").expecting(InetAddress.getByName("192.0.2.7"));
    up(check(q -> List.of(reply(q, NOERROR, 1)), want7));
    CheckResult.Down d = down(check(q -> List.of(reply(q, NOERROR, 0)), want7), DownReason.CONTENT_MISMATCH);
    assertEquals("no A record for www.example.com in 0 answers", d.detail());
    down(check(q -> List.of(reply(q, NOERROR, 1)), a("www.example.com").expecting(InetAddress.getByName(
        "192.0.2.8"))), DownReason.CONTENT_MISMATCH);
  }

  @Test
  void rootQuery_isOneZeroLabel_asKeepalivedSendsIt() throws Exception {
    byte[][] seen = new byte[1][];
    up(check(q -> {
      seen[0] = q;
      return List.of(reply(q, NOERROR, 0));
    }, soa()));
    byte[] q = seen[0];
    // RD set, one question: the root name (a single zero), type SOA (6), class IN
    assertEquals("01000001000000000000" + "00" + "00060001", HexFormat.of().formatHex(q, 2, q.length));
    assertArrayEquals(new byte[] {0}, DnsCheck.encodeName("."));
    assertTrue(DnsCheck.KEEPALIVED_TYPES.contains("DNSKEY"));
  }
}
