package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.dns.DnsCheck;
import dev.lbkit.healthcheck.dns.DnsResponder;
import dev.lbkit.healthcheck.misc.MiscCheck;
import dev.lbkit.healthcheck.misc.ScriptUser;
import dev.lbkit.healthcheck.smtp.SmtpCheck;
import dev.lbkit.healthcheck.udp.ReplyPattern;
import dev.lbkit.healthcheck.udp.UdpCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Real keepalived 2.2.7 side by side with lbkit: keepalived's own UDP_CHECK, DNS_CHECK, SMTP_CHECK and MISC_CHECK
 * judge a set of real
 * servers inside the kernel lab VM (keepalived needs IPVS, which the host kernel may lack; see lab/kernel/run), and
 * the resulting IPVS table says which it kept and at what weight. lbkit judges the same kind of servers on the host.
 * Each case must come out the same: kept (with the same weight) or removed.
 *
 * <p>The cases are the semantics lbkit copies: UDP silence is up unless a reply is required, ICMP port unreachable
 * is down, reply bytes are compared over the shorter of reply and pattern with x wildcards; a MISC_CHECK program's
 * exit 143 is a misc_dynamic weight while death by SIGTERM is a failure, a timeout is a failure, and {@code user}
 * switches the program's user; a DNS answer ends the check only with our id, QR set and at least 8 bytes, and is up
 * on NOERROR whatever it holds (TC, another question, no records), down on any other RCODE
 * ({@link DnsResponder#MODES}, the same behaviours in the lab script); SMTP is up on a 220 greeting and 250 to HELO.
 */
final class KeepalivedChecksLabIT {
  /** One real server: its keepalived block and the lbkit check for an equivalent server on the host. */
  private record Case(String realServer, String block, Check lbkit, int weight) {}

  @Test
  void keepalivedAndLbkit_judgeTheSameServersAlike() throws Exception {
    Path dir = KernelLab.dir("keepalived-checks-lab");
    Map<String, String> scripts = Map.of("exit143.sh", "exit 143", "term-self.sh", "kill -TERM $$",
        "is-nobody.sh", "[ \"$(id -u)\" = 65534 ]", "no-args.sh", "[ $# -eq 0 ]");
    for (Map.Entry<String, String> s : scripts.entrySet()) {
      Path p = dir.resolve(s.getKey());
      Files.writeString(p, "#!/bin/sh\n" + s.getValue() + "\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    List<AutoCloseable> servers = new ArrayList<>();
    try (DatagramSocket silent = PongServer.start(false); DatagramSocket pong = PongServer.start(true);
        HealthChecker checker = HealthChecker.builder().build()) {
      Endpoint silentEp = new Endpoint(InetAddress.getLoopbackAddress(), silent.getLocalPort());
      Endpoint pongEp = new Endpoint(InetAddress.getLoopbackAddress(), pong.getLocalPort());
      Endpoint closedEp;
      try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        closedEp = new Endpoint(InetAddress.getLoopbackAddress(), s.getLocalPort());
      }
      byte[] ping = "PING".getBytes(StandardCharsets.US_ASCII);
      byte[] x = "x".getBytes(StandardCharsets.US_ASCII);
      List<Case> udp = List.of(
          new Case("127.0.0.1:5301", "UDP_CHECK {\n connect_timeout 1\n }", UdpCheck.of(silentEp), 1),
          new Case("127.0.0.1:5302", "UDP_CHECK {\n connect_timeout 1\n }", UdpCheck.of(closedEp), 1),
          new Case("127.0.0.3:5301", "UDP_CHECK {\n connect_ip 127.0.0.1\n connect_timeout 1\n require_reply\n }",
              UdpCheck.of(silentEp).requiringReply(), 1),
          new Case("127.0.0.4:5303", udpBlock("50494e47", "504f4e47"),
              UdpCheck.of(pongEp, ping).requiringReply(ReplyPattern.parse("504f4e47")), 1),
          new Case("127.0.0.5:5303", udpBlock("50494e47", "4f4b"),
              UdpCheck.of(pongEp, ping).requiringReply(ReplyPattern.parse("4f4b")), 1),
          new Case("127.0.0.6:5303", udpBlock("78", "504f4e47207820616e64"),
              UdpCheck.of(pongEp, x).requiringReply(ReplyPattern.parse("504f4e47207820616e64")), 1),
          new Case("127.0.0.7:5303", udpBlock("78", "504f4e4x"),
              UdpCheck.of(pongEp, x).requiringReply(ReplyPattern.parse("504f4e4x")), 1));
      List<Case> misc = List.of(
          new Case("127.0.1.1:80", miscBlock(dir.resolve("exit143.sh") + "", "misc_dynamic"),
              MiscCheck.of(dir.resolve("exit143.sh").toString()).withDynamic(true), 141),
          new Case("127.0.1.2:80", miscBlock(dir.resolve("term-self.sh") + "", "misc_dynamic"),
              MiscCheck.of(dir.resolve("term-self.sh").toString()).withDynamic(true), 1),
          new Case("127.0.1.3:80", miscBlock("/bin/false", ""), MiscCheck.of("/bin/false"), 1),
          new Case("127.0.1.4:80", miscBlock("/bin/true", ""), MiscCheck.of("/bin/true"), 1),
          new Case("127.0.1.5:80", miscBlock("/bin/sleep 30", "misc_timeout 1"), MiscCheck.of("/bin/sleep", "30"), 1),
          new Case("127.0.1.6:80", miscBlock(dir.resolve("is-nobody.sh") + "", "user nobody"),
              MiscCheck.of(dir.resolve("is-nobody.sh").toString()).withUser(ScriptUser.of("nobody")), 1),
          // misc_path's words after the first are dropped unless quoted (2.2.7 set_script_params_array reads
          // only its first word): keepalived runs no-args.sh without "extra", which passes
          new Case("127.0.1.7:80", "MISC_CHECK {\n misc_path " + dir.resolve("no-args.sh") + " extra\n }",
              MiscCheck.of(dir.resolve("no-args.sh").toString()), 1),
          new Case("127.0.1.8:80", miscBlock(dir.resolve("no-args.sh") + " extra", ""),
              MiscCheck.of(dir.resolve("no-args.sh").toString(), "extra"), 1));
      List<Case> dns = new ArrayList<>();
      for (int i = 0; i < DnsResponder.MODES.size(); i++) {
        DnsResponder r = DnsResponder.start(DnsResponder.MODES.get(i));
        servers.add(r);
        dns.add(new Case("127.0.2." + (i + 1) + ":54", "DNS_CHECK {\n connect_ip 127.0.0.1\n connect_port "
            + (5351 + i) + "\n connect_timeout 1\n retry 0\n type A\n name www.example.com\n }",
            DnsCheck.of(new Endpoint(InetAddress.getLoopbackAddress(), r.port()), "www.example.com", "A"), 1));
      }
      List<Case> smtp = new ArrayList<>();
      String[] greetings = {"220 mx.lab ESMTP\r\n", "554 go away\r\n"};
      for (int i = 0; i < greetings.length; i++) {
        smtp.add(new Case("127.0.3." + (i + 1) + ":25", "SMTP_CHECK {\n connect_ip 127.0.0.1\n connect_port "
            + (2525 + i) + "\n connect_timeout 1\n retry 0\n }", SmtpCheck.of(new Endpoint(
            InetAddress.getLoopbackAddress(), smtpServer(greetings[i], servers))), 1));
      }
      Files.writeString(dir.resolve("keepalived.conf"), "global_defs {\n router_id lbkit_lab\n}\n"
          + virtualServer("53", "UDP", udp) + virtualServer("80", "TCP", misc) + virtualServer("54", "UDP", dns)
          + virtualServer("25", "TCP", smtp));

      String output = KernelLab.run("keepalived-checks.sh", dir);
      Map<String, Integer> table = realServers(output);

      List<String> disagreements = new ArrayList<>();
      StringBuilder seen = new StringBuilder();
      List<Case> all = new ArrayList<>(udp);
      all.addAll(misc);
      all.addAll(dns);
      all.addAll(smtp);
      for (Case c : all) {
        Duration timeout = c.lbkit() instanceof UdpCheck ? Duration.ofMillis(500) : Duration.ofSeconds(1);
        CheckResult ours = Await.result(checker.checkOnce(c.lbkit(), timeout));
        Integer theirs = table.get(c.realServer());
        OptionalInt ourWeight = ours instanceof CheckResult.Up && ((CheckResult.Up) ours).weight().isPresent()
            ? ((CheckResult.Up) ours).weight() : OptionalInt.of(1);
        seen.append(c.realServer()).append(": keepalived ").append(theirs == null ? "removed" : "weight " + theirs)
            .append(", lbkit ").append(ours).append('\n');
        if ((theirs != null) != ours.isUp()) {
          disagreements.add(c.realServer() + ": keepalived " + (theirs == null ? "removed it" : "kept it")
              + ", lbkit " + ours);
        } else if (theirs != null && theirs != ourWeight.getAsInt()) {
          disagreements.add(c.realServer() + ": keepalived weight " + theirs + ", lbkit " + ourWeight.getAsInt());
        }
      }
      System.out.println(seen);
      assertTrue(disagreements.isEmpty(), String.join("\n", disagreements) + "\n" + seen + output);
      // the cases are chosen so that keepalived keeps some and removes others: a table of all or none means the
      // lab did not judge at all
      assertTrue(!table.isEmpty() && table.size() < all.size(), "keepalived kept " + table.size() + " of "
          + all.size() + ":\n" + seen);
    } finally {
      for (AutoCloseable c : servers) {
        c.close();
      }
    }
  }

  /** An SMTP server on loopback that greets with {@code greeting}, then answers 250 (221 to QUIT). */
  private static int smtpServer(String greeting, List<AutoCloseable> open) throws IOException {
    ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    open.add(server);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket c = server.accept()) {
          OutputStream out = c.getOutputStream();
          BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
          out.write(greeting.getBytes(StandardCharsets.US_ASCII));
          String line;
          while ((line = in.readLine()) != null) {
            out.write((line.startsWith("QUIT") ? "221 bye\r\n" : "250 ok\r\n").getBytes(StandardCharsets.US_ASCII));
          }
        } catch (IOException e) {
          // the checker hangs up once it has its answer, or the test closed the server
        }
      }
    }, "smtp-server");
    t.setDaemon(true);
    t.start();
    return server.getLocalPort();
  }

  private static String udpBlock(String payloadHex, String replyHex) {
    return "UDP_CHECK {\n connect_ip 127.0.0.1\n connect_timeout 1\n payload " + payloadHex + "\n require_reply "
        + replyHex + "\n }";
  }

  private static String miscBlock(String path, String extra) {
    return "MISC_CHECK {\n misc_path \"" + path + "\"\n " + extra + "\n }";
  }

  private static String virtualServer(String port, String protocol, List<Case> cases) {
    StringBuilder b = new StringBuilder("virtual_server 10.10.10.1 " + port + " {\n delay_loop 1\n lb_algo rr\n"
        + " lb_kind NAT\n protocol " + protocol + "\n");
    for (Case c : cases) {
      String[] hp = c.realServer().split(":");
      b.append(" real_server ").append(hp[0]).append(' ').append(hp[1]).append(" {\n  weight 1\n  ")
          .append(c.block()).append("\n }\n");
    }
    return b.append("}\n").toString();
  }

  /** Real servers and weights from the {@code ipvsadm -Ln} between the script's markers. */
  private static Map<String, Integer> realServers(String output) {
    int from = output.indexOf("=== ipvsadm -Ln ===");
    int to = output.indexOf("=== end ===");
    assertTrue(from >= 0 && to > from, "no table in the lab output:\n" + output);
    Map<String, Integer> rs = new LinkedHashMap<>();
    Matcher m = Pattern.compile("->\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+)\\s+\\S+\\s+(\\d+)")
        .matcher(output.substring(from, to));
    while (m.find()) {
      rs.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return rs;
  }
}
