package dev.lbkit.healthcheck.smtp;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.LocalDaemon;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SMTP_CHECK against a real SMTP server: Python's smtpd (Debian 12's python3, see .ci/install). */
final class SmtpCheckIT {
  @Test
  void realSmtpServer_answersHelo_thenGoesAway() throws Exception {
    // an address of this JVM's own at a fixed port: see LocalDaemon.ownLoopbackAddress
    InetSocketAddress address = new InetSocketAddress(LocalDaemon.ownLoopbackAddress(), 10025);
    Endpoint target = new Endpoint(address.getAddress(), address.getPort());
    try (HealthChecker checker = HealthChecker.builder().build()) {
      try (LocalDaemon smtpd = LocalDaemon.start("smtpd", List.of("python3", "-W", "ignore", "-m", "smtpd", "-n",
          "-c", "DebuggingServer", address.getAddress().getHostAddress() + ":" + address.getPort()))) {
        smtpd.awaitTcp(address);
        String detail = up(result(checker.checkOnce(SmtpCheck.of(target).withHeloName("lb1.lbkit.test"),
            Duration.ofSeconds(5)))).detail();
        assertTrue(detail.startsWith("HELO answered 250"), detail);
      }
      down(result(checker.checkOnce(SmtpCheck.of(target), Duration.ofSeconds(5))), DownReason.REFUSED);
    }
  }
}
