package dev.lbkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.internal.quorum.QuorumRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A keepalived.conf {@code virtual_server} with {@code quorum}, {@code hysteresis}, {@code sorry_server} and
 * {@code alpha} real servers is read with the values {@link QuorumRule#lowered} puts in force, and its initial table
 * is what {@link QuorumRule#heldAtStart} says of the real servers that start alive: all of them when the service
 * starts with its quorum or has no sorry server, the sorry server alone otherwise.
 */
final class QuorumConfigProperties {

  @Property(tries = 300)
  void keepalivedConf_getsTheRulesValues_andTheRulesInitialTable(
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 6) Integer> weights,
      @ForAll @Size(min = 4, max = 4) List<Boolean> alpha, @ForAll @IntRange(min = 1, max = 30) int quorum,
      @ForAll @IntRange(min = 0, max = 30) int hysteresis, @ForAll boolean sorry) {
    StringBuilder conf = new StringBuilder("virtual_server 192.0.2.10 80 {\n  protocol TCP\n  lb_kind NAT\n  quorum "
        + quorum + "\n  hysteresis " + hysteresis + "\n");
    if (sorry) {
      conf.append("  sorry_server 10.0.0.99 80\n");
    }
    List<Endpoint> startAlive = new ArrayList<>();
    long total = 0;
    long aliveWeight = 0;
    for (int i = 0; i < weights.size(); i++) {
      String address = "10.0.0." + (i + 1);
      conf.append("  real_server ").append(address).append(" 80 {\n    weight ").append(weights.get(i)).append('\n');
      if (alpha.get(i)) {
        conf.append("    alpha\n    TCP_CHECK {\n    }\n"); // starts down until its check passes
      } else {
        startAlive.add(Endpoint.parse(address + ":80"));
        aliveWeight += weights.get(i);
      }
      conf.append("  }\n");
      total += weights.get(i);
    }
    ParseResult r = KeepalivedConfigParser.parse("q.conf", conf.append("}\n").toString(),
        Path.of("/nonexistent-lbkit-dir"));
    assertEquals(List.of(), r.errors(), conf.toString());
    VirtualServerConfig vs = r.config().virtualServers().get(0);

    QuorumRule rule = QuorumRule.lowered(quorum, hysteresis, total);
    assertEquals(rule, new QuorumRule(vs.quorum(), vs.hysteresis()), conf.toString());
    List<Endpoint> expected = sorry && !rule.heldAtStart(aliveWeight) ? List.of(Endpoint.parse("10.0.0.99:80"))
        : startAlive;
    assertEquals(expected, vs.initialTable().realServers().stream().map(RealServer::endpoint).toList(),
        conf.toString());
  }
}
