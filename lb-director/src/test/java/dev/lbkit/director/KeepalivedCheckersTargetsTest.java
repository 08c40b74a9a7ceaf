package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.config.ParseResult;
import dev.lbkit.healthcheck.AllOf;
import dev.lbkit.healthcheck.http.UrlRound;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.IndependentChecks;
import dev.lbkit.healthcheck.Check;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.dns.DnsCheck;
import dev.lbkit.healthcheck.smtp.SmtpCheck;
import dev.lbkit.healthcheck.udp.UdpCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * keepalived.conf UDP_CHECK, DNS_CHECK and SMTP_CHECK become lbkit checks that judge real servers on loopback as
 * keepalived would: a UDP server answering "PONG", a DNS responder answering NOERROR without records or NXDOMAIN,
 * and an SMTP server greeting 220.
 */
final class KeepalivedCheckersTargetsTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private final HealthChecker checker = HealthChecker.builder().build();

  @AfterEach
  void close() throws Exception {
    checker.close();
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** A UDP server on loopback answering each datagram with what {@code answer} makes of it (null: nothing). */
  private int udpServer(Function<byte[], byte[]> answer) throws IOException {
    DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    open.add(s);
    daemon(() -> {
      byte[] buf = new byte[512];
      while (!s.isClosed()) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        byte[] r = answer.apply(Arrays.copyOf(p.getData(), p.getLength()));
        if (r != null) {
          s.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
        }
      }
      return null;
    });
    return s.getLocalPort();
  }

  /** Answers "PONG" to "PING", nothing to anything else. */
  private int pongServer() throws IOException {
    return udpServer(q -> new String(q, StandardCharsets.US_ASCII).equals("PING")
        ? "PONG".getBytes(StandardCharsets.US_ASCII) : null);
  }

  /** Answers every query with its question echoed, no records, and {@code rcode}. */
  private int dnsServer(int rcode) throws IOException {
    return udpServer(q -> {
      q[2] |= (byte) 0x80; // QR
      q[3] = (byte) (0x80 | rcode); // RA, RCODE
      return q;
    });
  }

  /** Greets with 220, answers HELO with 250 and QUIT with 221; records the HELO lines. */
  private int smtpServer(List<String> helos) throws IOException {
    ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    open.add(server);
    daemon(() -> {
      while (!server.isClosed()) {
        try (Socket c = server.accept()) {
          OutputStream out = c.getOutputStream();
          BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
          out.write("220 mx.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
          String line;
          while ((line = in.readLine()) != null) {
            if (line.startsWith("HELO")) {
              helos.add(line);
            }
            out.write((line.startsWith("QUIT") ? "221 bye\r\n" : "250 ok\r\n").getBytes(StandardCharsets.US_ASCII));
          }
        } catch (IOException e) {
          // the checker hangs up once it has its answer
        }
      }
      return null;
    });
    return server.getLocalPort();
  }

  private interface Body {
    Void run() throws IOException;
  }

  private static void daemon(Body body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (IOException e) {
        // closed by the test
      }
    });
    t.setDaemon(true);
    t.start();
  }

  private static List<Target> targets(String conf) {
    ParseResult r = KeepalivedConfigParser.parse("k.conf", conf, Path.of("."));
    assertEquals(List.of(), r.errors());
    return HealthTargets.of(r.config().virtualServers().get(0));
  }

  private static List<Check> parts(Check c) {
    return c instanceof AllOf all ? all.checks() : c instanceof IndependentChecks each ? each.checks()
        : c instanceof UrlRound round ? List.copyOf(round.urls()) : List.of(c);
  }

  private CheckResult once(Check c) throws Exception {
    return checker.checkOnce(c, Duration.ofSeconds(2)).get(20, TimeUnit.SECONDS);
  }

  private static void down(CheckResult r, DownReason reason) {
    if (!(r instanceof CheckResult.Down d) || d.reason() != reason) {
      fail("expected down (" + reason + ") but was " + r);
    }
  }

  @Test
  void udpCheck_sendsThePayload_andJudgesTheReplyAsKeepalived() throws Exception {
    int pong = pongServer();
    int closed;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    List<Target> t = targets("""
        virtual_server 127.0.0.1 %1$d {
          protocol UDP
          real_server 127.0.0.1 %1$d {
            UDP_CHECK {
              payload 50 49 4e 47
              require_reply 504f4exx
              connect_timeout 1
            }
            UDP_CHECK {
              payload 50494e47
              require_reply 5858
            }
            UDP_CHECK {
              payload 00
              require_reply
            }
            UDP_CHECK {
              connect_port %2$d
            }
            UDP_CHECK {
              payload 00
            }
          }
        }
        """.formatted(pong, closed));
    List<Check> c = parts(t.get(0).check());
    assertEquals(5, c.size());
    assertInstanceOf(UdpCheck.class, c.get(0));
    assertTrue(once(c.get(0)).isUp(), "PONG matches 504f4exx");
    down(once(c.get(1)), DownReason.CONTENT_MISMATCH);
    down(once(c.get(2)), DownReason.TIMEOUT); // a reply is required and the server says nothing to 00
    down(once(c.get(3)), DownReason.REFUSED); // ICMP port unreachable
    assertTrue(once(c.get(4)).isUp(), "silence is up without require_reply, as in keepalived");
    // each checker's own policy: keepalived's retry (1) and its own connect timeout (default 5 s)
    List<IndependentChecks.Member> m = ((IndependentChecks) t.get(0).check()).members();
    assertEquals(1, m.get(0).policy().retry());
    assertEquals(Duration.ofSeconds(1), m.get(0).policy().timeout());
    assertEquals(Duration.ofSeconds(5), m.get(1).policy().timeout());
  }

  @Test
  void dnsCheck_isUpOnAnyNoError_andDownOnNxdomain() throws Exception {
    int ok = dnsServer(0);
    int nx = dnsServer(3);
    List<Target> t = targets("""
        virtual_server 127.0.0.1 53 {
          protocol UDP
          delay_loop 2
          real_server 127.0.0.1 %d {
            DNS_CHECK {
              type AAAA
              name www.example.com
            }
          }
          real_server 127.0.0.2 53 {
            DNS_CHECK {
              connect_ip 127.0.0.1
              connect_port %d
            }
          }
        }
        """.formatted(ok, nx));
    DnsCheck a = (DnsCheck) t.get(0).check();
    assertEquals("AAAA", a.type());
    assertEquals(List.of(), a.expected()); // keepalived's rule
    assertTrue(once(a).isUp(), "NOERROR without a record is up");
    DnsCheck soa = (DnsCheck) t.get(1).check();
    assertEquals(".", soa.name());
    assertEquals("SOA", soa.type());
    down(once(soa), DownReason.BAD_STATUS);
    // DNS_CHECK's own defaults: retry 3, delay_before_retry the delay loop
    assertEquals(3, t.get(1).policy().retry());
    assertEquals(Duration.ofSeconds(2), t.get(1).policy().delayBeforeRetry());
  }

  @Test
  void smtpCheck_andEachHostBlock_areCheckers() throws Exception {
    List<String> helos = new ArrayList<>();
    int mx = smtpServer(helos);
    List<Target> t = targets("""
        virtual_server 127.0.0.1 25 {
          protocol TCP
          real_server 127.0.0.1 %1$d {
            SMTP_CHECK {
              helo_name lb1.example
              host {
                connect_ip 127.0.0.1
                connect_port %1$d
              }
            }
          }
        }
        """.formatted(mx));
    List<Check> c = parts(t.get(0).check());
    assertEquals(2, c.size());
    for (Check x : c) {
      assertEquals("lb1.example", ((SmtpCheck) x).heloName());
      assertTrue(once(x).isUp());
    }
    assertEquals(List.of("HELO lb1.example", "HELO lb1.example"), helos);
  }

  @Test
  void theDirector_keepsAndDropsServersByTheseCheckers() throws Exception {
    int ok = dnsServer(0);
    int nx = dnsServer(3);
    int closed;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    ParseResult r = KeepalivedConfigParser.parse("k.conf", """
        virtual_server 192.0.2.10 53 {
          protocol UDP
          delay_loop 1
          real_server 10.0.0.1 53 {
            alpha
            DNS_CHECK {
              connect_ip 127.0.0.1
              connect_port %d
              connect_timeout 1
            }
          }
          real_server 10.0.0.2 53 {
            DNS_CHECK {
              connect_ip 127.0.0.1
              connect_port %d
              connect_timeout 1
              retry 0
            }
          }
          real_server 10.0.0.3 53 {
            UDP_CHECK {
              connect_ip 127.0.0.1
              connect_port %d
              connect_timeout 1
            }
          }
        }
        """.formatted(ok, nx, closed), Path.of("."));
    assertEquals(List.of(), r.errors());
    BlockingQueue<DestinationEvent> events = new LinkedBlockingQueue<>();
    RecordingTableWriter table = new RecordingTableWriter();
    try (KeepalivedDirector node = KeepalivedDirector.builder(r.config(), table).healthListener(events::add)
        .build()) {
      node.start();
      Set<Endpoint> up = new HashSet<>();
      Set<Endpoint> down = new HashSet<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((!up.contains(Endpoint.parse("10.0.0.1:53")) || down.size() < 2) && System.nanoTime() < end) {
        DestinationEvent e = events.poll(1, TimeUnit.SECONDS);
        if (e instanceof DestinationUp u) {
          up.add(u.destination());
        } else if (e instanceof DestinationDown d && !d.reason().contains("alpha")) {
          down.add(d.destination());
        }
      }
      assertTrue(up.contains(Endpoint.parse("10.0.0.1:53")), "NOERROR brought the alpha server up: " + up);
      assertEquals(Set.of(Endpoint.parse("10.0.0.2:53"), Endpoint.parse("10.0.0.3:53")), down,
          "NXDOMAIN and ICMP port unreachable took these out");
    }
  }

  @Test
  void httpGetFastRecovery_reachesTheUrlRound() {
    List<Target> t = targets("""
        virtual_server 127.0.0.1 80 {
          protocol TCP
          real_server 127.0.0.1 80 {
            HTTP_GET {
              fast_recovery
              url {
                path /a
              }
              url {
                path /b
              }
            }
          }
          real_server 127.0.0.2 80 {
            HTTP_GET {
              url {
                path /a
              }
            }
          }
        }
        """);
    UrlRound fast = assertInstanceOf(UrlRound.class, t.get(0).check());
    assertTrue(fast.fastRecovery() && fast.urls().size() == 2, fast.toString());
    assertTrue(!assertInstanceOf(UrlRound.class, t.get(1).check()).fastRecovery(), "off unless configured");
  }

  @Test
  void eachChecker_hasItsOwnPolicy_asKeepalivedCompletesIt() {
    List<Target> t = targets("""
        virtual_server 127.0.0.1 53 {
          protocol TCP
          delay_loop 10
          real_server 127.0.0.1 53 {
            DNS_CHECK {
              delay_loop 2
              warmup 1
            }
            UDP_CHECK {
              alpha
            }
          }
          real_server 127.0.0.2 53 {
            alpha
            DNS_CHECK {
              alpha off
            }
          }
          real_server 127.0.0.3 53 {
            delay_loop 4
            DNS_CHECK {
            }
          }
        }
        """);
    List<IndependentChecks.Member> m = ((IndependentChecks) t.get(0).check()).members();
    // each checker on its own delay loop, not the shortest of them
    assertEquals(Duration.ofSeconds(2), m.get(0).policy().interval());
    assertEquals(Duration.ofSeconds(10), m.get(1).policy().interval());
    // its own warmup, else keepalived's default: a random first delay up to its delay loop
    assertEquals(Duration.ofSeconds(1), m.get(0).policy().warmup());
    assertEquals(Duration.ofSeconds(10), m.get(1).policy().warmup());
    assertTrue(!m.get(0).policy().startDown() && m.get(1).policy().startDown());
    assertTrue(t.get(0).policy().startDown(), "one check starts failed (alpha), so the server starts down");
    assertTrue(!t.get(1).policy().startDown(), "the check's alpha off wins over the real server's alpha");
    assertEquals(Duration.ofSeconds(10), t.get(1).policy().warmup());
    assertEquals(Duration.ofSeconds(4), t.get(2).policy().interval());
    assertEquals(Duration.ofSeconds(4), t.get(2).policy().warmup(), "the real server's delay loop is the default");
    assertTrue(!t.get(2).policy().startDown());
    // every checker first waits keepalived's fixed start delay, then its random warmup
    for (CheckPolicy p : List.of(m.get(0).policy(), m.get(1).policy(), t.get(1).policy(), t.get(2).policy())) {
      assertEquals(Duration.ofSeconds(1), p.startDelay());
    }
  }

  @Test
  void warmup_isTheCheckersOwn_elseTheRealServers_elseTheVirtualServers() {
    List<Target> t = targets("""
        virtual_server 127.0.0.1 53 {
          protocol TCP
          delay_loop 10
          warmup 7
          real_server 127.0.0.1 53 {
            DNS_CHECK {
              warmup 3
            }
          }
          real_server 127.0.0.2 53 {
            warmup 0
            DNS_CHECK {
            }
            MISC_CHECK {
              misc_path /bin/true
              warmup 2.5
            }
          }
          real_server 127.0.0.3 53 {
            DNS_CHECK {
            }
          }
        }
        """);
    assertEquals(Duration.ofSeconds(3), t.get(0).policy().warmup());
    List<IndependentChecks.Member> m = ((IndependentChecks) t.get(1).check()).members();
    assertEquals(Duration.ZERO, m.get(0).policy().warmup(), "warmup 0 on the real server: no random start");
    assertEquals(Duration.ofMillis(2500), m.get(1).policy().warmup());
    assertEquals(Duration.ofSeconds(7), t.get(2).policy().warmup());
  }
}
