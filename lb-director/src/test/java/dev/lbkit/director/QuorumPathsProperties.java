package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.api.internal.quorum.QuorumRule;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.healthcheck.ServiceQuorum;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The Java API's {@link ServiceQuorum} and the keepalived.conf path (the {@link Director}'s pools, and lb-config's
 * reading of {@code quorum}/{@code hysteresis}) follow one quorum rule: same values in force, same state at the start
 * and the same announcements there, the same transitions after any sequence of health events.
 */
final class QuorumPathsProperties {
  private static final ServiceKey KEY = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
  private static final VirtualService SERVICE = VirtualService.builder(KEY).scheduler("rr").build();
  private static final RealServer SORRY = server("10.0.0.99", 1);

  /** A health event for member {@code index}: up, down, or a new weight. */
  record Step(int index, int kind, int weight) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 6)).as(Step::new).list().ofMaxSize(30);
  }

  @Property(tries = 500)
  void serviceQuorum_andTheDirectorsPool_agreeFromTheStartOn(
      @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 6) Integer> weights,
      @ForAll @Size(min = 5, max = 5) List<Boolean> alpha, @ForAll @IntRange(min = 1, max = 40) int quorum,
      @ForAll @IntRange(min = 0, max = 40) int hysteresis, @ForAll boolean sorry, @ForAll("steps") List<Step> steps)
      throws Exception {
    List<String> api = new ArrayList<>();
    ServiceQuorum.Builder b = ServiceQuorum.builder().service(KEY).quorum(quorum).hysteresis(hysteresis)
        .quorumListener((held, w, reason) -> api.add((held ? "up " : "down ") + w));
    List<PoolMember> members = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      RealServer s = server("10.0.0." + (i + 1), weights.get(i));
      b.destination(s.endpoint(), s.weight(), alpha.get(i));
      members.add(new PoolMember(s, false, alpha.get(i)));
    }
    if (sorry) {
      b.sorryServer(SORRY.endpoint());
    }
    ServicePool pool = new ServicePool(SERVICE, members, quorum, hysteresis, Optional.ofNullable(sorry ? SORRY : null),
        false);
    List<String> director = new ArrayList<>();
    Director d = Director.builder(new RecordingTableWriter()).pool(pool).listener(e -> {
      if (e instanceof DirectorEvent.QuorumChanged q) {
        director.add((q.held() ? "up " : "down ") + q.liveWeight());
      }
    }).build();
    d.start();
    DirectorStatus.Pool start = d.status().pools().get(0);
    // what NotifyRunner.starting runs for the pool (quorum_up / quorum_down), then its changes
    QuorumRule.announcedAtStart(start.quorumHeld(), sorry)
        .ifPresent(up -> director.add((up ? "up " : "down ") + start.liveWeight()));
    ServiceQuorum q = b.build();
    assertEquals(pool.quorum(), q.quorum(), "quorum in force");
    assertEquals(pool.hysteresis(), q.hysteresis(), "hysteresis in force");
    assertEquals(start.quorumHeld(), q.held(), "held at start");
    for (Step s : steps) {
      if (s.index() >= weights.size()) {
        continue;
      }
      Endpoint e = members.get(s.index()).server().endpoint();
      Instant t = Instant.EPOCH;
      DestinationEvent event = switch (s.kind()) {
        case 0 -> new DestinationUp(t, Optional.of(KEY), e, "test");
        case 1 -> new DestinationDown(t, Optional.of(KEY), e, "test");
        default -> new WeightChanged(t, Optional.of(KEY), e, weights.get(s.index()), s.weight(), "test");
      };
      q.onDestinationEvent(event);
      d.onDestinationEvent(event);
      assertEquals(d.status().pools().get(0).quorumHeld(), q.held(), "held after " + event);
      assertEquals(d.status().pools().get(0).liveWeight(), q.aliveWeight(), "alive weight after " + event);
    }
    assertEquals(director, api, "announcements");
    d.close();
  }

  /**
   * lb-config reads {@code quorum} and {@code hysteresis} as {@link QuorumRule#lowered} lowers them, and the table it
   * says a master installs at the start ({@link VirtualServerConfig#initialTable()}) is the one the director installs,
   * with {@code alpha} real servers, {@code inhibit_on_failure} and {@code sorry_server_inhibit} too.
   */
  @Property(tries = 300)
  void keepalivedConf_readsTheSameRule_andItsInitialTableIsTheDirectors(
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 6) Integer> weights,
      @ForAll @Size(min = 4, max = 4) List<Boolean> alpha, @ForAll @Size(min = 4, max = 4) List<Boolean> inhibit,
      @ForAll @IntRange(min = 1, max = 30) int quorum, @ForAll @IntRange(min = 0, max = 30) int hysteresis,
      @ForAll boolean sorry, @ForAll boolean sorryInhibit) throws Exception {
    StringBuilder conf = new StringBuilder("virtual_server 192.0.2.10 80 {\n  protocol TCP\n  lb_kind NAT\n  quorum "
        + quorum + "\n  hysteresis " + hysteresis + "\n");
    if (sorry) {
      conf.append("  sorry_server 10.0.0.99 80\n").append(sorryInhibit ? "  sorry_server_inhibit\n" : "");
    }
    for (int i = 0; i < weights.size(); i++) {
      conf.append("  real_server 10.0.0.").append(i + 1).append(" 80 {\n    weight ").append(weights.get(i))
          .append('\n').append(inhibit.get(i) ? "    inhibit_on_failure\n" : "")
          .append(alpha.get(i) ? "    alpha\n    TCP_CHECK {\n    }\n" : "").append("  }\n");
    }
    KeepalivedConfig config = KeepalivedDirectorTest.parse(conf.append("}\n").toString());
    VirtualServerConfig vs = config.virtualServers().get(0);
    long total = weights.stream().mapToLong(Integer::longValue).sum();
    QuorumRule rule = QuorumRule.lowered(quorum, hysteresis, total);
    assertEquals(rule, new QuorumRule(vs.quorum(), vs.hysteresis()), conf.toString());
    RecordingTableWriter table = new RecordingTableWriter();
    try (Director d = Director.builder(table).pool(ServicePool.from(vs)).build()) {
      d.start();
      assertEquals(List.of(vs.initialTable()), d.table(), conf.toString());
    }
  }

  private static RealServer server(String address, int weight) {
    return RealServer.builder(Endpoint.parse(address + ":80")).weight(weight).forwarding(ForwardingMethod.MASQUERADE)
        .build();
  }
}
