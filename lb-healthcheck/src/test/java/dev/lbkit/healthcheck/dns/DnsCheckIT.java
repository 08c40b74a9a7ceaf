package dev.lbkit.healthcheck.dns;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.LocalDaemon;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DNS_CHECK against a real DNS server: dnsmasq on loopback (dnsmasq-base, see .ci/install), on an address of this
 * JVM's own at a fixed port ({@link LocalDaemon#ownLoopbackAddress}), so that no other socket can hold its UDP or TCP
 * port before it starts or after it stopped.
 */
final class DnsCheckIT {
  private static final int PORT = 10053;

  /** dnsmasq's options to serve on {@code dns} alone, with no upstream and no hosts file. */
  private static List<String> dnsmasq(Endpoint dns) {
    return new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        "--port=" + dns.port(), "--listen-address=" + dns.address().getHostAddress(), "--bind-interfaces",
        "--no-resolv", "--no-hosts", "--pid-file", "--user=root"));
  }

  @Test
  void realDnsServer_answers_refuses_andIsMissed() throws Exception {
    Endpoint dns = new Endpoint(LocalDaemon.ownLoopbackAddress(), PORT);
    List<String> argv = dnsmasq(dns);
    argv.addAll(List.of("--address=/www.lbkit.test/192.0.2.10", "--address=/gone.lbkit.test/",
        "--host-record=v4.lbkit.test,192.0.2.4", "--local=/lbkit.test/"));
    try (HealthChecker checker = HealthChecker.builder().build()) {
      try (LocalDaemon dnsmasq = LocalDaemon.start("dnsmasq", argv)) {
        CheckResult first = null;
        for (int i = 0; i < 100 && (first == null || !first.isUp()); i++) { // dnsmasq needs a moment to bind
          if (first != null) {
            Thread.sleep(100);
          }
          first = result(checker.checkOnce(DnsCheck.of(dns, "www.lbkit.test", "A"), Duration.ofMillis(400)));
        }
        up(first);
        assertTrue(dnsmasq.alive(), "dnsmasq exited; see target/daemon-dnsmasq.log");
        up(result(checker.checkOnce(DnsCheck.of(dns, "www.lbkit.test", "A")
            .expecting(InetAddress.getByName("192.0.2.10")), Duration.ofSeconds(5))));
        down(result(checker.checkOnce(DnsCheck.of(dns, "www.lbkit.test", "A")
            .expecting(InetAddress.getByName("192.0.2.99")), Duration.ofSeconds(5))), DownReason.CONTENT_MISMATCH);
        down(result(checker.checkOnce(DnsCheck.of(dns, "gone.lbkit.test", "A"), Duration.ofSeconds(5))),
            DownReason.BAD_STATUS);
        // keepalived's rule, judged by RCODE only: NOERROR without a record of the type (NODATA) is up; dnsmasq
        // answers so for a host record of its local domain that has no AAAA, and REFUSED outside it
        CheckResult nodata = result(checker.checkOnce(DnsCheck.of(dns, "v4.lbkit.test", "AAAA"),
            Duration.ofSeconds(5)));
        up(nodata);
        assertTrue(nodata.detail().startsWith("NOERROR for v4.lbkit.test AAAA (0 answers)"), nodata.detail());
        down(result(checker.checkOnce(DnsCheck.of(dns, "elsewhere.example", "A"), Duration.ofSeconds(5))),
            DownReason.BAD_STATUS);
        down(result(checker.checkOnce(DnsCheck.of(dns, "v4.lbkit.test", "AAAA")
            .expecting(InetAddress.getByName("2001:db8::10")), Duration.ofSeconds(5))), DownReason.CONTENT_MISMATCH);
      }
      down(result(checker.checkOnce(DnsCheck.of(dns, "www.lbkit.test", "A"), Duration.ofSeconds(5))),
          DownReason.REFUSED);
    }
  }

  /**
   * 60 A records do not fit dnsmasq's 512-byte UDP answer (no EDNS0 in the query): it answers 30 with TC set. The
   * check asks again over TCP and finds the 60th; keepalived, which ignores TC, would judge the 30.
   */
  @Test
  void truncatedUdpAnswer_isAskedAgainOverTcp() throws Exception {
    Endpoint dns = new Endpoint(LocalDaemon.ownLoopbackAddress(), PORT);
    List<String> argv = dnsmasq(dns);
    for (int i = 1; i <= 60; i++) {
      argv.add("--host-record=big.lbkit.test,192.0.2." + i);
    }
    try (HealthChecker checker = HealthChecker.builder().build();
        LocalDaemon dnsmasq = LocalDaemon.start("dnsmasq-big", argv)) {
      DnsCheck check = DnsCheck.of(dns, "big.lbkit.test", "A").expecting(InetAddress.getByName("192.0.2.60"));
      CheckResult r = null;
      for (int i = 0; i < 100 && (r == null || !r.isUp()); i++) { // dnsmasq needs a moment to bind
        if (r != null) {
          Thread.sleep(100);
        }
        r = result(checker.checkOnce(check, Duration.ofSeconds(2)));
      }
      assertTrue(dnsmasq.alive(), "dnsmasq exited; see target/daemon-dnsmasq-big.log");
      up(r);
      assertTrue(r.detail().startsWith("UDP answer truncated; over TCP: big.lbkit.test A 192.0.2.60"), r.detail());
      up(result(checker.checkOnce(check.overTcp(), Duration.ofSeconds(2))));
      down(result(checker.checkOnce(DnsCheck.of(dns, "big.lbkit.test", "A")
          .expecting(InetAddress.getByName("192.0.2.61")), Duration.ofSeconds(2))), DownReason.CONTENT_MISMATCH);
    }
  }
}
