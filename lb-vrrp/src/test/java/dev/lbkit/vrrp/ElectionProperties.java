package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.api.event.VrrpState;
import dev.lbkit.api.event.VrrpStateChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of crashes, restarts, graceful stops, partitions, packet loss and priority changes among 2 to 5
 * routers on {@link InMemoryVrrpNetwork}: once the faults end and the RFC's convergence time has passed, every
 * partition has exactly one Master, of the highest priority (owner first), only it holds
 * the virtual address, and nothing changes while nothing happens.
 */
final class ElectionProperties {
  private static final VirtualAddress VIP = VirtualAddress.parse("10.0.0.100/24");

  sealed interface Action {}

  record Crash(int router) implements Action {}

  record Stop(int router) implements Action {}

  record Restart(int router) implements Action {}

  record Partition(int mask) implements Action {}

  record Heal() implements Action {}

  record Loss(int percent) implements Action {}

  record SetPriority(int router, int priority) implements Action {}

  record Wait(int intervalsTimesTen) implements Action {}

  /** A check in the middle of a run, when no loss is active. */
  record Settle() implements Action {}

  /** @param ah VRRPv2 only: keepalived's IPsec-AH mode, whose sequence numbers must not keep routers apart */
  record Scenario(int version, Duration interval, List<Integer> priorities, List<Action> actions, long seed,
      boolean ah) {}

  @Property(tries = 300)
  void afterFaultsEnd_onePerPartitionAndTheBest(@ForAll("scenarios") Scenario s) {
    InMemoryVrrpNetwork net = new InMemoryVrrpNetwork(new SplittableRandom(s.seed()));
    int n = s.priorities().size();
    List<VrrpStateChanged> events = new ArrayList<>();
    int[] priority = new int[n];
    boolean[] running = new boolean[n];
    for (int i = 0; i < n; i++) {
      String host = host(i);
      net.addHost(host, "10.0.0." + (i + 1), "fe80::" + (i + 1));
      VrrpConfig.Builder config = VrrpConfig.builder("VI_" + i).interfaceName("eth0").vrid(7)
          .priority(s.priorities().get(i)).version(s.version()).advertInterval(s.interval()).virtualAddress(VIP);
      VrrpConfig c = (s.ah() ? config.authType(VrrpConfig.AuthType.AH).authPassword("secret12") : config).build();
      net.start(host, b -> b.instance(c).listener(events::add));
      priority[i] = s.priorities().get(i);
      running[i] = true;
    }
    int loss = 0;
    for (Action a : s.actions()) {
      if (a instanceof Crash c && running[c.router()]) {
        net.crash(host(c.router()));
        running[c.router()] = false;
      } else if (a instanceof Stop st && running[st.router()]) {
        net.stop(host(st.router()));
        running[st.router()] = false;
      } else if (a instanceof Restart r && !running[r.router()]) {
        net.restart(host(r.router()));
        running[r.router()] = true;
        priority[r.router()] = s.priorities().get(r.router());
      } else if (a instanceof Partition p) {
        Set<String> side = new HashSet<>();
        for (int i = 0; i < n; i++) {
          if ((p.mask() & (1 << i)) != 0) {
            side.add(host(i));
          }
        }
        net.partition(side);
      } else if (a instanceof Heal) {
        net.heal();
      } else if (a instanceof Loss l) {
        loss = l.percent();
        net.setLoss(loss / 100.0);
      } else if (a instanceof SetPriority sp && running[sp.router()] && priority[sp.router()] != 255) {
        net.router(host(sp.router())).orElseThrow().setPriority("VI_" + sp.router(), sp.priority());
        priority[sp.router()] = sp.priority();
      } else if (a instanceof Wait w) {
        net.advance(s.interval().multipliedBy(w.intervalsTimesTen()).dividedBy(10));
      } else if (a instanceof Settle && loss == 0) {
        checkConverged(net, s, priority, running, events);
      }
    }
    net.setLoss(0);
    checkConverged(net, s, priority, running, events);
  }

  private static void checkConverged(InMemoryVrrpNetwork net, Scenario s, int[] priority, boolean[] running,
      List<VrrpStateChanged> events) {
    // RFC convergence: at most one Master_Down_Interval (< 4 intervals) after the last change, plus one interval
    // for a tie-break; 10 intervals leave margin
    net.advance(s.interval().multipliedBy(10));
    for (Set<String> part : net.partitions()) {
      int top = -1;
      for (int i = 0; i < priority.length; i++) {
        if (running[i] && part.contains(host(i))) {
          top = Math.max(top, priority[i]);
        }
      }
      Set<String> holders = new TreeSet<>(net.holders(VIP.address()));
      holders.retainAll(part);
      if (top < 0) {
        assertEquals(Set.of(), holders, "a partition without running routers holds nothing");
        continue;
      }
      Set<String> masters = new TreeSet<>();
      Map<String, VrrpState> states = new TreeMap<>();
      for (int i = 0; i < priority.length; i++) {
        if (running[i] && part.contains(host(i))) {
          VrrpState st = net.router(host(i)).orElseThrow().instances().get(0).state();
          states.put(host(i), st);
          if (st == VrrpState.MASTER) {
            masters.add(host(i));
            // RFC 5798: the Master has the highest priority; among equals the first to take over keeps it (a
            // Backup accepts an equal priority, the address tie-break only settles two Masters)
            assertEquals(top, priority[i], "Master " + host(i) + " of " + part + " is not of the highest priority "
                + java.util.Arrays.toString(priority));
          } else {
            assertEquals(VrrpState.BACKUP, st, host(i) + " in " + part);
          }
        }
      }
      assertEquals(1, masters.size(), "exactly one Master in " + part + ": " + states);
      assertEquals(masters, holders, "only the Master of " + part + " holds the VIP");
    }
    int before = events.size();
    net.advance(s.interval().multipliedBy(20));
    assertEquals(List.of(), events.subList(before, events.size()), "no flapping while nothing changes");
  }

  private static String host(int i) {
    return "r" + (i + 1);
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Arbitraries.integers().between(2, 5).flatMap(n -> {
      Arbitrary<List<Integer>> priorities = Arbitraries.integers().between(1, 254).list().ofSize(n)
          .flatMap(ps -> Arbitraries.integers().between(-n, n - 1).map(owner -> {
            List<Integer> out = new ArrayList<>(ps);
            if (owner >= 0) {
              out.set(owner, 255);
            }
            return out;
          }));
      Arbitrary<Integer> router = Arbitraries.integers().between(0, n - 1);
      Arbitrary<Action> action = Arbitraries.frequencyOf(
          net.jqwik.api.Tuple.of(3, router.map(Crash::new)),
          net.jqwik.api.Tuple.of(2, router.map(Stop::new)),
          net.jqwik.api.Tuple.of(4, router.map(Restart::new)),
          net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, (1 << n) - 2).map(Partition::new)),
          net.jqwik.api.Tuple.of(2, Arbitraries.just(new Heal())),
          net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 60).map(Loss::new)),
          net.jqwik.api.Tuple.of(3, Combinators.combine(router, Arbitraries.integers().between(1, 254))
              .as(SetPriority::new)),
          net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(1, 80).map(Wait::new)),
          net.jqwik.api.Tuple.of(1, Arbitraries.just(new Settle())));
      Arbitrary<Integer> version = Arbitraries.of(2, 3);
      return Combinators.combine(version, Arbitraries.of(100L, 1000L), priorities, action.list().ofMaxSize(15),
          Arbitraries.longs(), Arbitraries.of(true, false)).as((v, ms, ps, as, seed, ah) ->
              new Scenario(v, v == 2 ? Duration.ofSeconds(1) : Duration.ofMillis(ms), ps, as, seed, v == 2 && ah));
    });
  }
}
