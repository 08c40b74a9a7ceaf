package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.IpvsTimeouts;
import dev.lbkit.ipvs.SyncDaemon;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * lbkit ipvsadm's command line read into {@link IpvsadmArgs} and the values it stands for, without a table (whole
 * sessions, printed as ipvsadm prints them: IpvsadmCommandTest).
 */
final class IpvsadmParserTest {
  private static IpvsadmArgs parse(String line) throws UsageException {
    return IpvsadmParser.parse(IpvsadmParser.tokens(line));
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
      assertEquals(expected, IpvsadmParser.tokens(line), line);
    }
  }

  @Test
  void poptForms_giveTheSameArgsAsTheLongForm() throws UsageException {
    IpvsadmChange bundled = IpvsadmChange.of(parse("-at10.0.0.1:80 -r10.0.0.2 -mw5"));
    IpvsadmChange spelled = IpvsadmChange.of(parse("--add-server --tcp-service=10.0.0.1:80 --real-server 10.0.0.2"
        + " --masquerading --weight=5"));
    assertEquals(spelled, bundled);
    ServiceKey key = ServiceKey.of(Protocol.TCP, Endpoint.parse("10.0.0.1:80"));
    // the real server takes the service's port, as in ipvsadm
    RealServer server = RealServer.builder(Endpoint.parse("10.0.0.2:80")).forwarding(ForwardingMethod.MASQUERADE)
        .weight(5).build();
    assertEquals(new IpvsadmChange("-a", new IpvsChange.AddDestination(key, server)), bundled);
  }

  @Test
  void change_isNullForCommandsThatAreNoTableChange() throws UsageException {
    for (String line : List.of("-Ln", "-S", "-C", "-Z", "--set 1 2 3", "--stop-daemon master")) {
      assertNull(parse(line).change(), line);
    }
  }

  @Test
  void timeoutsAndDaemons_readTheirValues() throws UsageException {
    assertEquals(IpvsTimeouts.ofSeconds(900, 0, 300), parse("--set 900 0 300").timeouts());
    assertEquals(SyncDaemon.Role.BACKUP, parse("--stop-daemon BACKUP").role());
    SyncDaemon d = parse("--start-daemon master --mcast-interface lo --syncid 7").syncDaemon();
    assertEquals(SyncDaemon.Role.MASTER, d.role());
    assertEquals("lo", d.interfaceName());
    assertEquals(7, d.syncId());
    assertEquals("--start-daemon needs --mcast-interface (lbkit does not guess eth0)",
        assertThrows(UsageException.class, () -> parse("--start-daemon master").syncDaemon()).getMessage());
  }

  /** What a line asks of the table, comparable with equals. */
  private record IpvsadmChange(String command, IpvsChange change) {
    static IpvsadmChange of(IpvsadmArgs a) throws UsageException {
      return new IpvsadmChange(a.command, a.change());
    }
  }
}
