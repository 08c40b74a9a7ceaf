package dev.lbkit.healthcheck.smtp;

import static dev.lbkit.healthcheck.Await.down;
import static dev.lbkit.healthcheck.Await.result;
import static dev.lbkit.healthcheck.Await.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SMTP dialogue edge cases against a scripted loopback server. */
final class SmtpCheckTest {
  private final HealthChecker checker = HealthChecker.builder().build();
  private final List<String> commands = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    checker.close();
  }

  private CheckResult talk(String greeting, String heloReply) throws IOException {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          OutputStream out = s.getOutputStream();
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
          out.write(greeting.getBytes(StandardCharsets.US_ASCII));
          String line;
          while ((line = in.readLine()) != null) {
            commands.add(line);
            out.write((line.startsWith("QUIT") ? "221 bye\r\n" : heloReply).getBytes(StandardCharsets.US_ASCII));
          }
        } catch (IOException e) {
          // the checker hangs up when it has its answer
        }
      });
      t.setDaemon(true);
      t.start();
      return result(checker.checkOnce(SmtpCheck.of(new Endpoint(InetAddress.getLoopbackAddress(),
          server.getLocalPort())).withHeloName("lb1.example"), Duration.ofSeconds(5)));
    }
  }

  @Test
  void multiLineGreetingAndReply_areReadToTheirLastLine() throws Exception {
    up(talk("220-mail.example ESMTP\r\n220 welcome\r\n", "250-mail.example\r\n250 SIZE 1000\r\n"));
    assertEquals("HELO lb1.example", commands.get(0));
  }

  @Test
  void badGreeting_andRejectedHelo_areBadStatus() throws Exception {
    down(talk("554 go away\r\n", "250 ok\r\n"), DownReason.BAD_STATUS);
    down(talk("220 hi\r\n", "501 who are you\r\n"), DownReason.BAD_STATUS);
  }

  @Test
  void notSmtp_isProtocolError() throws Exception {
    down(talk("SSH-2.0-OpenSSH_9.2\r\n", ""), DownReason.PROTOCOL_ERROR);
  }

  @Test
  void defaultHeloName_isKeepalivedsDefault() {
    assertEquals("smtpchecker.keepalived.org", SmtpCheck.of(Endpoint.parse("127.0.0.1:25")).heloName());
  }

  @Test
  void heloNameWithSpaces_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> SmtpCheck.of(Endpoint.parse("127.0.0.1:25"))
        .withHeloName("a b"));
  }
}
