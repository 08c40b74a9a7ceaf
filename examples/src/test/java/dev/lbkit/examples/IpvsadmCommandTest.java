package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.ipvs.InMemoryIpvs;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.IpvsClient;
import dev.lbkit.ipvs.IpvsException;
import dev.lbkit.ipvs.IpvsadmFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
    assertEquals(2, rc, "the last line is a usage error, which ends -R with status 2 as in ipvsadm");
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains("line 2: add service TCP 192.0.2.10:80: already exists (EEXIST)"), e);
    assertTrue(e.contains("line 3: add destination 10.0.0.1:80 to TCP 192.0.2.99:80: no such service (ESRCH)"), e);
    assertTrue(e.contains("line 4: add service TCP 192.0.2.11:80: scheduler nosuch not found"), e);
    assertTrue(e.contains("line 5: unknown option '-Q'"), e);
  }

  @Test
  void aRefusedChange_exits255_andAMissingServiceListed_exits1_asIpvsadm() throws Exception {
    // ipvsadm 1.31 in the kernel lab: "-d" of a missing service, "-D", "-Z -t", "--stop-daemon" with none running
    // all exit 255 (libipvs's -1); "-Ln -t" of a missing service exits 1. lbkit exited 1 for all of them.
    assertEquals(255, run("", "--in-memory", "-d", "-t", "192.0.2.1:80", "-r", "10.0.0.1:80"));
    assertEquals(255, run("", "--in-memory", "-D", "-t", "192.0.2.1:80"));
    assertEquals(255, run("", "--in-memory", "-Z", "-t", "192.0.2.1:80"));
    assertEquals(255, run("", "--in-memory", "--stop-daemon", "master"));
    assertEquals(1, run("", "--in-memory", "-Ln", "-t", "192.0.2.1:80"));
    assertEquals(String.join("\n",
        "lbkit ipvsadm: delete destination 10.0.0.1:80 from TCP 192.0.2.1:80: no such service (ESRCH)",
        "lbkit ipvsadm: delete service TCP 192.0.2.1:80: no such service (ESRCH)",
        "lbkit ipvsadm: zero counters of TCP 192.0.2.1:80: no such service (ESRCH)",
        "lbkit ipvsadm: stop master sync daemon: no such sync daemon (ESRCH)",
        "lbkit ipvsadm: list service TCP 192.0.2.1:80: no such service (ESRCH)") + "\n", err());
    assertEquals("", out());
  }

  @Test
  void anIpv6NetmaskOfZero_isAUsageError_asIpvsadm() throws Exception {
    // ipvsadm 1.31 in the kernel lab: "-A -u [2001:db8::1]:53 -p 60 -M 0" says "illegal ipv6 netmask specified" and
    // exits 2; lbkit sent it to the kernel, which refuses prefix 0 for IPv6 (EINVAL)
    UsageException e = assertThrows(UsageException.class,
        () -> run("", "--in-memory", "-A", "-u", "[2001:db8::1]:53", "-p", "60", "-M", "0"));
    assertEquals("netmask must be in [1, 128] but was 0", e.getMessage());
    assertEquals(0, run("-A -u [2001:db8::1]:53 -p 60 -M 1\n-Sn\n", "--in-memory", "-R"), err());
    assertEquals("-A -u [2001:db8::1]:53 -s wlc -p 60 -M 1\n", out());
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
  void noArguments_listsTheTable_asIpvsadmDoes() throws Exception {
    // it was a usage error ("no command given"), where ipvsadm alone prints the table
    assertEquals(0, run("", "--in-memory"), err());
    assertEquals("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n"
        + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n", out());
  }

  @Test
  void usageErrors() throws Exception {
    UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
        () -> run("", "--in-memory", "-A", "-t"));
    assertEquals("option -t needs a value", e.getMessage());
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** The message a one-line session's usage error printed, without the "lbkit ipvsadm -R: line 1: " before it. */
  private String refusal(String line) throws Exception {
    out.reset();
    err.reset();
    assertEquals(2, run(line + "\n", "--in-memory", "-R"), line);
    String e = err();
    assertTrue(e.startsWith("lbkit ipvsadm -R: line 1: "), e);
    assertTrue(out().isEmpty(), out());
    return e.substring("lbkit ipvsadm -R: line 1: ".length(), e.indexOf('\n'));
  }

  @Test
  void numbersBeyond32Bits_areRefusedNotCut() throws Exception {
    // (int) of the long read made 4294967297 weight 1 and 4294967296 threshold 0, and applied them
    assertEquals("weight must be in [0, 65535] but was 4294967297",
        refusal("-a -f 1 -r 10.0.0.2:80 -w 4294967297"));
    // ipvsadm's own limit, below the kernel's (any int): ipvsadm refuses -w 65536 with "illegal weight specified"
    assertEquals("weight must be in [0, 65535] but was 65536", refusal("-a -f 1 -r 10.0.0.2:80 -w 65536"));
    assertEquals("upper threshold must be in [0, 2147483647] but was 4294967296",
        refusal("-a -f 1 -r 10.0.0.2:80 -x 4294967296"));
    assertEquals("lower threshold must be in [0, 2147483647] but was 99999999999999999999",
        refusal("-a -f 1 -r 10.0.0.2:80 -y 99999999999999999999"));
    assertEquals("persistence timeout in seconds must be in [1, 2678400] but was 4294967297",
        refusal("-A -f 1 -p 4294967297"));
    assertEquals("tunnel port must be in [1, 65535] but was 4294973376",
        refusal("-a -f 1 -r 10.0.0.2:80 -i --tun-type gue --tun-port 4294973376"));
    assertEquals("sync id must be in [0, 255] but was 4294967301",
        refusal("--start-daemon master --mcast-interface lo --syncid 4294967301"));
    assertEquals("netmask must be in [1, 128] but was 4294967360", refusal("-A -f 1 -6 -p 60 -M 4294967360"));
    assertEquals("weight must be a number but was '5x'", refusal("-a -f 1 -r 10.0.0.2:80 -w 5x"));
  }

  @Test
  void optionsTheCommandDoesNotRead_areRefusedNotDropped() throws Exception {
    assertEquals("option -p does not apply to -a (add-server)", refusal("-a -t 10.0.0.1:80 -r 10.0.0.2 -p 300"));
    assertEquals("option -w does not apply to -A (add-service)", refusal("-A -t 10.0.0.1:80 -w 5"));
    assertEquals("option -s does not apply to -D (delete-service)", refusal("-D -t 10.0.0.1:80 -s rr"));
    assertEquals("option -m does not apply to -d (delete-server)", refusal("-d -t 10.0.0.1:80 -r 10.0.0.2 -m"));
    assertEquals("option -t does not apply to -C (clear)", refusal("-C -t 10.0.0.1:80"));
    assertEquals("option --syncid does not apply to --set", refusal("--set 1 2 3 --syncid 4"));
    assertEquals("option --exact does not apply to -S (save)", refusal("-S --exact"));
    assertTrue(refusal("-L -c --timeout").startsWith("options -c and --timeout cannot be combined"));
    assertTrue(refusal("-A -t [2001:db8::1]:80 -6").startsWith("option -6 applies only to a firewall-mark service"));
    assertEquals("-M needs a persistent service (-p)", refusal("-A -t 10.0.0.1:80 -M 255.255.255.0"));
    assertEquals("--tun-port needs tunnel forwarding (-i)", refusal("-a -f 1 -r 10.0.0.2:80 -m --tun-port 6080"));
    assertEquals("--tun-csum needs tunnel forwarding (-i)", refusal("-a -f 1 -r 10.0.0.2:80 --tun-csum"));
    // -i alone is ipip, which carries no checksum: the option was silently dropped
    out.reset();
    err.reset();
    assertEquals(2, run("-A -f 1\n-a -f 1 -r 10.0.0.2:80 -i --tun-csum\n", "--in-memory", "-R"));
    assertTrue(err().contains("line 2: tunnel checksum applies only to gue and gre, not ipip"), err());
  }

  @Test
  void optionsGivenTwice_areRefused() throws Exception {
    assertEquals("option -w is given twice", refusal("-a -t 10.0.0.1:80 -r 10.0.0.2 -w 2 -w 3"));
    assertEquals("options -g and -m both given, but a command takes one forwarding method",
        refusal("-a -t 10.0.0.1:80 -r 10.0.0.2 -g -m"));
    // the second service won without a word: -A added 10.0.0.1:83 alone
    assertEquals("option -t is given twice", refusal("-A -t 10.0.0.1:82 -t 10.0.0.1:83"));
    assertEquals("options -t and -f both given, but a command takes one service", refusal("-A -t 10.0.0.1:82 -f 3"));
    assertEquals("options --stats and --rate both given, but a command takes one set of listing columns",
        refusal("-L --stats --rate"));
  }

  @Test
  void valuesTheTypesRefuse_areUsageErrors() {
    UsageException e = assertThrows(UsageException.class, () -> run("", "--in-memory", "-A", "-t", "300.0.0.1:80"));
    assertEquals("'300.0.0.1' is not an IPv4 or IPv6 address", e.getMessage());
    e = assertThrows(UsageException.class,
        () -> run("", "--in-memory", "-A", "-t", "10.0.0.1:80", "-p", "60", "-M", "255.0.255.0"));
    assertEquals("persistence netmask must be contiguous but was 255.0.255.0", e.getMessage());
  }

  // as ipvsadm -R: a line the table refuses (5, 6) is reported and the reading goes on; a line that is not a command
  // (8: a usage error) ends the reading there, so line 9 is never read
  private static final String SESSION = String.join("\n",
      "-A -t 10.0.0.1:80 -s rr",
      "-a -t 10.0.0.1:80 -r 10.0.0.3 -m",
      "# a comment is not a command",
      "-A -t 10.0.0.1:80",
      "-a -t 10.0.0.1:80 -r 10.0.0.3 -m",
      "-a -t 10.0.0.9:80 -r 10.0.0.4 -m",
      "-a -t 10.0.0.1:80 -r 10.0.0.5 -m",
      "-a -t 10.0.0.1:80 -r 10.0.0.2 -m -w 4294967297",
      "-a -t 10.0.0.1:80 -r 10.0.0.6 -m") + "\n";

  private static final String SESSION_APPLIED = "-A -t 10.0.0.1:80 -s rr\n"
      + "-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1\n"
      + "-a -t 10.0.0.1:80 -r 10.0.0.5:80 -m -w 1\n";

  @Test
  void restore_inMemory_saysWhichLinesWereAndWereNotApplied() throws Exception {
    assertEquals(SESSION_APPLIED, restoreSession(SESSION + "-Sn\n", "--in-memory", "-R"));
    assertEquals("", out(), "the -Sn after the usage error is never read");
    assertTrue(err().contains("line 8: weight must be in [0, 65535] but was 4294967297"), err());
  }

  @Test
  void restore_batched_saysWhichLinesWereAndWereNotApplied() throws Exception {
    // the kernel's path: parse first, then one batch; an in-memory table stands in for the kernel
    assertEquals(SESSION_APPLIED, restoreSession(SESSION, "-R"));
  }

  /**
   * Runs {@code args} over {@code stdin} against one in-memory table (kept after the run, unlike --in-memory's own),
   * checks SESSION's outcome (status 2, line 4 refused by the table, the reading stopped at line 8's usage error)
   * and returns the table as -S prints it.
   */
  private String restoreSession(String stdin, String... args) throws Exception {
    InMemoryIpvs table = new InMemoryIpvs();
    IpvsadmCommand c = new IpvsadmCommand(() -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        inMemory -> table);
    assertEquals(2, c.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    String e = err();
    assertTrue(e.contains("line 4: add service TCP 10.0.0.1:80: already exists (EEXIST)"), e);
    assertTrue(e.endsWith("lbkit ipvsadm -R: 3 of 7 command lines applied; not applied: lines 4-6, 8; reading"
        + " stopped at line 8, as ipvsadm stops at a line it cannot read\n"), e);
    return IpvsadmFormat.save(IpvsadmFormat.snapshot(table, IpvsClient.Stats.OMITTED));
  }

  @Test
  void restore_batchThatBreaksOff_namesTheLinesWhoseFateIsUnknown() throws Exception {
    InMemoryIpvs table = new InMemoryIpvs();
    // a client whose batch breaks after the first change, as a netlink socket that dies mid-dump would
    IpvsClient breaking = (IpvsClient) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {IpvsClient.class}, (proxy, method, args) -> {
          if (method.getName().equals("execute")) {
            table.execute(List.of(((List<?>) args[0]).stream().map(IpvsChange.class::cast).findFirst().get()));
            throw new IpvsException("execute", 0, "receive: connection reset", null);
          }
          try {
            return method.invoke(table, args);
          } catch (InvocationTargetException ex) {
            throw ex.getCause();
          }
        });
    String rules = "-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.0.3\n-a -t 10.0.0.1:80 -r 10.0.0.4\n"
        + "-a -t 10.0.0.1:80 -r 10.0.0.2 -w -1\n-a -t 10.0.0.1:80 -r 10.0.0.5\n";
    IpvsadmCommand c = new IpvsadmCommand(() -> new ByteArrayInputStream(rules.getBytes(StandardCharsets.UTF_8)),
        inMemory -> breaking);
    assertEquals(2, c.run(List.of("-R"), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals("lbkit ipvsadm -R: line 4: weight must be in [0, 65535] but was -1\n"
        + "lbkit ipvsadm -R: the batch to the kernel broke off (receive: connection reset): whether lines 1-3 were"
        + " applied is unknown; compare ipvsadm -Sn; line 4 was not applied; reading stopped at line 4, as ipvsadm"
        + " stops at a line it cannot read\n", err());
  }

  @Test
  void poptForms_areReadAsIpvsadmReadsThem() throws Exception {
    // --name=value, bundled flags and a value in the rest of a short option's word: popt's forms, which ipvsadm
    // takes; lbkit refused them as unknown options although its own comment said -p300 worked
    assertEquals(0, run("-At 10.0.0.1:80 -srr -p300\n--add-server --tcp-service=10.0.0.1:80 --real-server=10.0.0.2"
        + " -mw5\n-a -t10.0.0.1:80 -r10.0.0.3 -w -0\n-Sn\n", "--in-memory", "-R"), err());
    assertEquals("-A -t 10.0.0.1:80 -s rr -p 300\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 5\n"
        + "-a -t 10.0.0.1:80 -r 10.0.0.3:80 -g -w 0\n", out());
    assertEquals("unknown option '-q' in '-Lq'; see lbkit ipvsadm --help", refusal("-Lq"));
    assertEquals("option --ops takes no value (in '--ops=1')", refusal("-A -t 10.0.0.1:80 --ops=1"));
    assertEquals("weight must be in [0, 65535] but was -1", refusal("-a -f 1 -r 10.0.0.2:80 -w -1"));
  }

  @Test
  void restore_insideRestore_isRefused_andEndsTheReading() throws Exception {
    // the inner -R read on from the same stdin: past 64 KiB of input it took lines the outer reader had not yet
    // buffered and ran them first; now it is refused as a usage error, which ends -R there as in ipvsadm
    StringBuilder rules = new StringBuilder("-A -t 10.0.0.1:80\n-R\n");
    for (int i = 0; i < 3000; i++) {
      rules.append("-a -t 10.0.0.1:80 -r 10.1.").append(i / 250).append('.').append(i % 250 + 1).append(" -m\n");
    }
    rules.append("-D -t 10.0.0.1:80\n-Sn\n");
    assertEquals(2, run(rules.toString(), "--in-memory", "-R"));
    assertEquals("", out());
    assertEquals("lbkit ipvsadm -R: line 2: -R cannot run inside -R\n"
        + "lbkit ipvsadm -R: 1 of 2 command lines applied; not applied: line 2; reading stopped at line 2, as"
        + " ipvsadm stops at a line it cannot read\n", err());
  }

  @Test
  void restore_ofAStreamWithoutNewlines_stopsWithAnError_andAppliesWhatCameBefore() throws Exception {
    // the line buffer doubled until OutOfMemoryError: -R < /dev/zero ended in a stack trace
    InMemoryIpvs table = new InMemoryIpvs();
    java.io.InputStream endless = new java.io.SequenceInputStream(new ByteArrayInputStream(
        "-A -t 10.0.0.1:80 -s rr\n".getBytes(StandardCharsets.UTF_8)), new java.io.InputStream() {
          @Override
          public int read() {
            return 0;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 0);
            return len;
          }
        });
    IpvsadmCommand c = new IpvsadmCommand(() -> endless, inMemory -> table);
    assertEquals(1, c.run(List.of("-R"), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals("-A -t 10.0.0.1:80 -s rr\n", IpvsadmFormat.save(IpvsadmFormat.snapshot(table,
        IpvsClient.Stats.OMITTED)));
    assertEquals("lbkit ipvsadm -R: line 2: cannot read it: longer than 1 MiB without a newline: not ipvsadm rules;"
        + " reading stopped there\n"
        + "lbkit ipvsadm -R: 1 of 2 command lines applied; not applied: line 2\n", err());
  }
}
