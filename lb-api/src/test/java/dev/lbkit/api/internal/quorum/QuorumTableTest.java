package dev.lbkit.api.internal.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.internal.quorum.QuorumTable.Member;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class QuorumTableTest {
  private static final Optional<RealServer> SORRY = Optional.of(server("10.9.9.9:80", 1));
  private static final List<Member> MEMBERS = List.of(
      new Member(server("10.0.0.1:80", 3), true, false), // alive
      new Member(server("10.0.0.2:80", 2), true, true), // alive, inhibit_on_failure
      new Member(server("10.0.0.3:80", 5), false, false), // down
      new Member(server("10.0.0.4:80", 4), false, true)); // down, inhibit_on_failure

  private static RealServer server(String endpoint, int weight) {
    return RealServer.builder(Endpoint.parse(endpoint)).weight(weight).build();
  }

  private static List<String> table(boolean held, Optional<RealServer> sorry, boolean sorryInhibit) {
    return QuorumTable.servers(MEMBERS, held, sorry, sorryInhibit).stream()
        .map(s -> s.endpoint() + " " + s.weight()).toList();
  }

  @Test
  void liveWeight_countsAliveMembersOnly() {
    assertEquals(5, QuorumTable.liveWeight(MEMBERS));
  }

  @Test
  void quorumHeld_aliveAtTheirWeight_downRemovedOrInhibitedAtZero() {
    assertEquals(List.of("10.0.0.1:80 3", "10.0.0.2:80 2", "10.0.0.4:80 0"), table(true, SORRY, false));
  }

  @Test
  void quorumLost_withASorryServer_itServes_andOnlyInhibitedMembersStayAtZero() {
    assertEquals(List.of("10.0.0.2:80 0", "10.0.0.4:80 0", "10.9.9.9:80 1"), table(false, SORRY, false));
    assertEquals(List.of("10.0.0.2:80 0", "10.0.0.4:80 0", "10.9.9.9:80 1"), table(false, SORRY, true));
  }

  @Test
  void quorumLost_withoutASorryServer_theTableStaysAsWithTheQuorum() {
    assertEquals(table(true, Optional.empty(), false), table(false, Optional.empty(), false));
  }

  @Test
  void sorryServerInhibit_keepsAnUnneededSorryServerAtZero() {
    assertEquals(List.of("10.0.0.1:80 3", "10.0.0.2:80 2", "10.0.0.4:80 0", "10.9.9.9:80 0"),
        table(true, SORRY, true));
  }
}
