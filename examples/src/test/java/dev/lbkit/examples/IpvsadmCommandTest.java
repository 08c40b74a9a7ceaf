package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lbkit ipvsadm on the in-memory table: a whole session through -R, printed as ipvsadm prints it. */
final class IpvsadmCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String stdin, String... args) throws Exception {
    IpvsadmCommand c = new IpvsadmCommand(() -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return c.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  // The same rules and the output ipvsadm 1.31 printed for them in the kernel lab (see ipvsadm-vectors.txt).
  private static final String RULES = String.join("\n",
      "-A -t 192.0.2.10:80 -s rr",
      "-a -t 192.0.2.10:80 -r 10.0.0.2:8080 -m -w 5",
      "-a -t 192.0.2.10:80 -r 10.0.0.4:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
      "-a -t 192.0.2.10:80 -r 10.0.0.5:80 -i -w 1 --tun-type gre --tun-csum",
      "-A -t 192.0.2.10:443 -s rr -p 600 -M 255.255.255.0",
      "-A -t 192.0.2.20:5060 -s rr -p 60 --pe sip",
      "-A --sctp-service 198.51.100.1:3868 -s wrr",
      "-A -u [2001:db8::10]:53 -s sh -o -b sh-fallback,sh-port",
      "-a -u [2001:db8::10]:53 -r [2001:db8::53]:53 -m -w 7",
      "-A -f 42 -s mh -p 300 -b mh-port",
      "-a -f 42 -r 10.0.0.9:0 -g -w 1",
      "-A -f 43 -6 -s lc -p 120 -M 64") + "\n";

  @Test
  void restoreThenSave_printsTheRulesBack() throws Exception {
    assertEquals(0, run(RULES + "-S -n\n", "--in-memory", "-R"), err.toString(StandardCharsets.UTF_8));
    assertEquals(RULES, out());
  }

  @Test
  void connectionListing_ofAnInMemoryTableIsTheTitleOnly() throws Exception {
    assertEquals(0, run(RULES + "-Lnc\n-L -n -c --persistent-conn\n", "--in-memory", "-R"),
        err.toString(StandardCharsets.UTF_8));
    assertEquals("IPVS connection entries\n"
        + "pro expire state       source             virtual            destination\n"
        + "IPVS connection entries\n"
        + "pro expire state       source             virtual            destination        pe name          pe_data\n",
        out());
  }

  @Test
  void restoreThenList_isWhatIpvsadmPrinted() throws Exception {
    assertEquals(0, run(RULES + "-Ln\n", "--in-memory", "-R"), err.toString(StandardCharsets.UTF_8));
    assertEquals(String.join("\n",
        "IP Virtual Server version 1.2.1 (size=4096)",
        "Prot LocalAddress:Port Scheduler Flags",
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
        "TCP  192.0.2.10:80 rr",
        "  -> 10.0.0.2:8080                Masq    5      0          0         ",
        "  -> 10.0.0.4:80                  Tunnel  1      0          0         ",
        "  -> 10.0.0.5:80                  Tunnel  1      0          0         ",
        "TCP  192.0.2.10:443 rr persistent 600 mask 255.255.255.0",
        "TCP  192.0.2.20:5060 rr persistent 60 pe sip",
        "SCTP 198.51.100.1:3868 wrr",
        "UDP  [2001:db8::10]:53 sh (sh-fallback,sh-port) ops",
        "  -> [2001:db8::53]:53            Masq    7      0          0         ",
        "FWM  42 mh (mh-port) persistent 300",
        "  -> 10.0.0.9:0                   Route   1      0          0         ",
        "FWM  43 IPv6 lc persistent 120 mask 64") + "\n", out());
  }

  @Test
  void errorsNameTheLineAndTheReason() throws Exception {
    int rc = run("-A -t 192.0.2.10:80 -s rr\n-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.99:80 -r 10.0.0.1\n"
        + "-A -t 192.0.2.11:80 -s nosuch\n-Q\n", "--in-memory", "-R");
    assertEquals(1, rc);
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains("line 2: add service TCP 192.0.2.10:80: already exists (EEXIST)"), e);
    assertTrue(e.contains("line 3: add destination 10.0.0.1:80 to TCP 192.0.2.99:80: no such service (ESRCH)"), e);
    assertTrue(e.contains("line 4: add service TCP 192.0.2.11:80: scheduler nosuch not found"), e);
    assertTrue(e.contains("line 5: unknown option '-Q'"), e);
  }

  @Test
  void timeoutsDaemonsAndZero() throws Exception {
    assertEquals(0, run("--set 1000 0 200\n-L --timeout\n--start-daemon master --mcast-interface lo --syncid 7\n"
        + "-L --daemon\n-A -t 192.0.2.1:80\n-Z -t 192.0.2.1:80\n-Ln --stats --exact\n", "--in-memory", "-R"),
        err.toString(StandardCharsets.UTF_8));
    assertEquals(String.join("\n",
        "Timeout (tcp tcpfin udp): 1000 120 200",
        "master sync daemon (mcast=lo, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)",
        "IP Virtual Server version 1.2.1 (size=4096)",
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes",
        "  -> RemoteAddress:Port",
        "TCP  192.0.2.1:80                        0        0        0        0        0") + "\n", out());
  }

  @Test
  void usageErrors() throws Exception {
    UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
        () -> run("", "--in-memory", "-A", "-t"));
    assertEquals("option -t needs a value", e.getMessage());
  }

  @Test
  void lineReader_splitsAtNewlinesDropsCarriageReturnsAndDecodesUtf8() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      big.append("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m\n");
    }
    String text = "one\r\ntwo\n\nfünf\r\n" + big + "last without newline";
    IpvsadmCommand.LineReader r = new IpvsadmCommand.LineReader(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    assertEquals("one", r.readLine());
    assertEquals("two", r.readLine());
    assertEquals("", r.readLine());
    assertEquals("fünf", r.readLine());
    for (int i = 0; i < 20_000; i++) {
      assertEquals("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m", r.readLine());
    }
    assertEquals("last without newline", r.readLine());
    assertEquals(null, r.readLine());
  }

  @Test
  void tokens_splitAtAnyWhiteSpaceLikeTheRegex() {
    for (String line : List.of("-A -t 1.2.3.4:80", "  -a\t-t  1.2.3.4:80 \u000b-r x\f ", "", "   ", "x")) {
      List<String> expected = new java.util.ArrayList<>();
      for (String t : line.split("\\s+")) {
        if (!t.isEmpty()) {
          expected.add(t);
        }
      }
      assertEquals(expected, IpvsadmCommand.tokens(line), line);
    }
  }

  @Test
  void endpoint_quickPathAgreesWithEndpointParse() {
    for (String text : List.of("10.0.0.1:80", "0.0.0.0:0", "255.255.255.255:65535", "1.2.3.4:080", "1.2.3.4:00080",
        "1.2.3.4", "[2001:db8::1]:53", "2001:db8::1", "::ffff:10.0.0.1")) {
      assertEquals(dev.lbkit.api.Endpoint.parse(text), IpvsadmCommand.endpoint(text), text);
    }
    for (String text : List.of("256.0.0.1:80", "01.2.3.4:80", "1.2.3:80", "1.2.3.4:", "1.2.3.4:65536",
        "1.2.3.4:123456", "1.2.3.4:-1", "1.2.3.4.5:80", "1.2.3.4:8x", "a.b.c.d:80", "1..3.4:80", "1234.2.3.4:80")) {
      IllegalArgumentException quick = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> IpvsadmCommand.endpoint(text), text);
      IllegalArgumentException parse = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> dev.lbkit.api.Endpoint.parse(text), text);
      assertEquals(parse.getMessage(), quick.getMessage(), text);
    }
  }
}
