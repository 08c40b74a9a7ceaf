package dev.lbkit.scheduling.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsConnection;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.Schedulers;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the IPVS schedulers over random operation sequences: destinations added, removed, re-added, weights
 * and thresholds edited, OVERLOAD forced, connections opened, moved between active and inactive and closed, time
 * advanced.
 */
final class IpvsSchedulerProperties {
  static final List<String> ALL = List.of(
      "rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr");

  @Provide
  Arbitrary<String> allSchedulers() {
    return Arbitraries.of(ALL);
  }

  @Provide
  Arbitrary<String> indexed() {
    return Arbitraries.of("lc", "wlc", "sed", "nq", "fo", "ovf", "twos");
  }

  @Provide
  Arbitrary<String> leastConnection() {
    return Arbitraries.of("lc", "wlc", "sed", "nq");
  }

  /** Random words that are also remembered, so an oracle can see what a pick consumed. */
  static final class RecordingRandom implements RandomGenerator {
    private final SplittableRandom random;
    final List<Long> words = new ArrayList<>();

    RecordingRandom(long seed) {
      random = new SplittableRandom(seed);
    }

    @Override
    public int nextInt() {
      int w = random.nextInt();
      words.add(w & 0xffffffffL);
      return w;
    }

    @Override
    public long nextLong() {
      return random.nextLong();
    }
  }

  /** A random walk over one service; {@code check} runs before each new connection with the pick the flow gets. */
  static final class Walk {
    final IpvsService svc;
    final SplittableRandom r;
    final RecordingRandom words;
    final List<Endpoint> pool = new ArrayList<>();
    final List<IpvsConnection> open = new ArrayList<>();

    Walk(String scheduler, long seed, int dests, SchedulerFlag... flags) {
      r = new SplittableRandom(seed);
      words = new RecordingRandom(seed ^ 0x5DEECE66DL);
      svc = IpvsService.builder(Schedulers.create(scheduler, flags)).random(words).build();
      for (int i = 0; i < dests + 5; i++) {
        pool.add(new Endpoint(address(10, 0, i / 250, i % 250 + 1), 80 + r.nextInt(2)));
      }
      for (int i = 0; i < dests; i++) {
        svc.addDestination(pool.get(i), weight(), 0, 0);
      }
    }

    int weight() {
      int k = r.nextInt(10);
      return k < 2 ? 0 : k < 8 ? r.nextInt(1, 5) : r.nextInt(1, 1001);
    }

    Flow flow() {
      return new Flow(Protocol.TCP, address(198, 51, r.nextInt(4), r.nextInt(1, 255)), r.nextInt(1024, 65536),
          address(203, 0, 113, r.nextInt(1, 40)), 80, 0);
    }

    IpvsDestination linked() {
      List<IpvsDestination> l = svc.destinations();
      return l.isEmpty() ? null : l.get(r.nextInt(l.size()));
    }

    interface Check {
      void before(Flow flow, IpvsDestination picked, List<Long> wordsUsed);
    }

    void run(int steps, Check check) {
      for (int s = 0; s < steps; s++) {
        int op = r.nextInt(100);
        if (op < 45) {
          Flow f = flow();
          int mark = words.words.size();
          IpvsDestination picked = svc.scheduler().select(f);
          check.before(f, picked, new ArrayList<>(words.words.subList(mark, words.words.size())));
          svc.connect(f).ifPresent(open::add);
        } else if (op < 60) {
          if (!open.isEmpty()) {
            open.remove(r.nextInt(open.size())).close();
          }
        } else if (op < 70) {
          if (!open.isEmpty()) {
            open.get(r.nextInt(open.size())).deactivate();
          }
        } else if (op < 75) {
          if (!open.isEmpty()) {
            open.get(r.nextInt(open.size())).activate();
          }
        } else if (op < 81) {
          IpvsDestination d = linked();
          if (d != null) {
            svc.setWeight(d.endpoint(), weight());
          }
        } else if (op < 85) {
          IpvsDestination d = linked();
          if (d != null) {
            int u = r.nextInt(8);
            svc.setThresholds(d.endpoint(), u, r.nextInt(u + 1));
          }
        } else if (op < 89) {
          IpvsDestination d = linked();
          if (d != null) {
            svc.setOverloaded(d.endpoint(), r.nextBoolean());
          }
        } else if (op < 93) {
          IpvsDestination d = linked();
          if (d != null) {
            svc.removeDestination(d.endpoint());
          }
        } else if (op < 98) {
          Endpoint e = pool.get(r.nextInt(pool.size()));
          if (svc.destination(e).map(d -> !d.available()).orElse(true)) {
            svc.addDestination(e, weight(), 0, 0);
          }
        } else {
          svc.advanceTime(Duration.ofSeconds(r.nextInt(1, 4000)));
        }
      }
    }
  }

  static InetAddress address(int a, int b, int c, int d) {
    return Endpoint.parseAddress(a + "." + b + "." + c + "." + d);
  }

  @Property(tries = 150)
  void indexedSchedulers_pickExactlyWhatTheKernelScanPicks(@ForAll("indexed") String name, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int dests) {
    Walk w = new Walk(name, seed, dests);
    w.run(400, (flow, picked, used) -> {
      List<IpvsDestination> list = w.svc.destinations();
      IpvsDestination want;
      switch (name) {
        case "lc":
          want = ReferenceScans.lc(list);
          break;
        case "wlc":
          want = ReferenceScans.wlc(list);
          break;
        case "sed":
          want = ReferenceScans.sed(list);
          break;
        case "nq":
          want = ReferenceScans.nq(list);
          break;
        case "fo":
          want = ReferenceScans.fo(list);
          break;
        case "ovf":
          want = ReferenceScans.ovf(list);
          break;
        default:
          long[] words = used.stream().mapToLong(Long::longValue).toArray();
          want = ReferenceScans.twos(list, words);
          break;
      }
      assertSame(want, picked, name + " picked " + picked + " but the kernel scan picks " + want + " over " + list);
    });
  }

  @Property(tries = 150)
  void everyScheduler_neverPicksWhatTheKernelSkips(@ForAll("allSchedulers") String name, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 30) int dests) {
    Walk w = new Walk(name, seed, dests);
    w.run(300, (flow, picked, used) -> {
      if (picked == null) {
        return;
      }
      assertTrue(picked.available(), name + " picked removed " + picked);
      assertTrue(picked.weight() > 0, name + " picked weight-0 " + picked);
      if (!name.equals("lblc")) {
        // lblc's cache hit checks only AVAILABLE, weight and its own overload rule, not the OVERLOAD flag
        assertTrue(!picked.overloaded(), name + " picked overloaded " + picked);
      }
      if (name.equals("ovf")) {
        assertTrue(picked.activeConnections() <= picked.weight(), "ovf picked a full destination " + picked);
      }
    });
  }

  @Property(tries = 100)
  void leastConnection_picksAMinimumByItsFormulaNearestTheHead(@ForAll("leastConnection") String name,
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int dests) {
    Walk w = new Walk(name, seed, dests);
    w.run(300, (flow, picked, used) -> {
      List<IpvsDestination> list = w.svc.destinations();
      List<IpvsDestination> eligible = new ArrayList<>();
      for (IpvsDestination d : list) {
        if (d.weight() > 0 && !d.overloaded()) {
          eligible.add(d);
        }
      }
      if (eligible.isEmpty()) {
        assertEquals(null, picked);
        return;
      }
      assertNotNull(picked, name + " picked nothing over " + eligible);
      if (name.equals("nq")) {
        IpvsDestination idle = eligible.stream().filter(d -> d.activeConnections() == 0).findFirst().orElse(null);
        if (idle != null) {
          assertSame(idle, picked, "nq returns the first idle destination");
          return;
        }
      }
      int at = eligible.indexOf(picked);
      for (int i = 0; i < eligible.size(); i++) {
        IpvsDestination x = eligible.get(i);
        int c = compare(name, picked, x);
        assertTrue(c < 0 || (c == 0 && at <= i), name + ": " + x + " is better than the pick " + picked);
      }
    });
  }

  /** Sign of key(a) - key(b) for the scheduler's formula (overhead / weight). */
  private static int compare(String name, IpvsDestination a, IpvsDestination b) {
    long oa = name.equals("sed") || name.equals("nq") ? a.activeConnections() + 1L : a.overhead();
    long ob = name.equals("sed") || name.equals("nq") ? b.activeConnections() + 1L : b.overhead();
    if (name.equals("lc")) {
      return Long.compare(oa, ob);
    }
    return Long.compare(oa * b.weight(), ob * a.weight());
  }

  @Property(tries = 200)
  void wrr_givesExactWeightProportionsInEveryFullCycle(
      @ForAll("weightLists") List<Integer> weights) {
    IpvsService svc = IpvsService.create(Schedulers.create("wrr"));
    for (int i = 0; i < weights.size(); i++) {
      svc.addDestination(new Endpoint(address(10, 0, 0, i + 1), 80), weights.get(i));
    }
    int g = 0;
    int max = 0;
    for (int wt : weights) {
      g = gcd(g, wt);
      max = Math.max(max, wt);
    }
    int cycle = 0;
    for (int wt : weights) {
      cycle += wt / g;
    }
    Flow f = new Flow(Protocol.TCP, address(198, 51, 100, 1), 1000, address(192, 0, 2, 1), 80, 0);
    // a cycle starts where the walk passes the list head and cw is back at mw; the first (start-up) and the
    // last cycle are partial
    List<Map<IpvsDestination, Integer>> cycles = new ArrayList<>();
    Map<IpvsDestination, Integer> current = new HashMap<>();
    cycles.add(current);
    int prevIndex = Integer.MAX_VALUE;
    List<IpvsDestination> list = svc.destinations();
    for (int i = 0; i < cycle * 5 + weights.size() + 2; i++) {
      IpvsDestination d = svc.scheduler().select(f);
      assertNotNull(d);
      Map<String, Object> st = svc.scheduler().state();
      int index = list.indexOf(d);
      if (i > 0 && index <= prevIndex && st.get("cw").equals(st.get("mw"))) {
        current = new HashMap<>();
        cycles.add(current);
      }
      prevIndex = index;
      current.merge(d, 1, Integer::sum);
    }
    assertTrue(cycles.size() >= 4, "expected several full cycles but saw " + cycles.size());
    for (Map<IpvsDestination, Integer> c : cycles.subList(1, cycles.size() - 1)) {
      for (IpvsDestination d : svc.destinations()) {
        assertEquals(d.weight() / g, c.getOrDefault(d, 0), "picks of " + d + " (weight " + d.weight()
            + ") in a full cycle of weights " + weights);
      }
    }
  }

  @Provide
  Arbitrary<List<Integer>> weightLists() {
    return Arbitraries.integers().between(1, 12).map(x -> x * 1).list().ofMinSize(1).ofMaxSize(8)
        .flatMap(l -> Arbitraries.of(1, 2, 3, 5).map(k -> l.stream().map(x -> x * k).toList()));
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  @Property(tries = 60)
  void hashingSchedulers_areDeterministic(@ForAll("hashing") String name, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int dests, @ForAll boolean port, @ForAll boolean fallback) {
    SchedulerFlag[] flags = flags(name, port, fallback);
    Walk a = new Walk(name, seed, dests, flags);
    Walk b = new Walk(name, seed, dests, flags);
    List<IpvsDestination> picksA = new ArrayList<>();
    List<IpvsDestination> picksB = new ArrayList<>();
    a.run(200, (flow, picked, used) -> {
      picksA.add(picked);
      assertSame(picked, a.svc.scheduler().select(flow), "the same flow again gets the same destination");
    });
    b.run(200, (flow, picked, used) -> picksB.add(picked));
    assertEquals(names(picksA), names(picksB), "identical services and flows give identical picks");
  }

  @Provide
  Arbitrary<String> hashing() {
    return Arbitraries.of("sh", "dh", "mh");
  }

  private static SchedulerFlag[] flags(String name, boolean port, boolean fallback) {
    List<SchedulerFlag> f = new ArrayList<>();
    if (name.equals("sh")) {
      if (port) {
        f.add(SchedulerFlag.SH_PORT);
      }
      if (fallback) {
        f.add(SchedulerFlag.SH_FALLBACK);
      }
    } else if (name.equals("mh")) {
      if (port) {
        f.add(SchedulerFlag.MH_PORT);
      }
      if (fallback) {
        f.add(SchedulerFlag.MH_FALLBACK);
      }
    }
    return f.toArray(new SchedulerFlag[0]);
  }

  private static List<String> names(List<IpvsDestination> ds) {
    List<String> out = new ArrayList<>();
    ds.forEach(d -> out.add(d == null ? null : d.name()));
    return out;
  }

  @Property(tries = 20)
  void mh_removingOneOfNMovesAboutOneNthOfKeys(@ForAll @IntRange(min = 3, max = 60) int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Endpoint> eps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Endpoint e = new Endpoint(address(10, r.nextInt(256), r.nextInt(256), r.nextInt(1, 255)), 80);
      if (!eps.contains(e)) {
        eps.add(e);
      }
    }
    int keys = 4000;
    List<Flow> flows = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      flows.add(new Flow(Protocol.TCP, address(r.nextInt(1, 224), r.nextInt(256), r.nextInt(256), r.nextInt(256)),
          1000, address(192, 0, 2, 1), 80, 0));
    }
    int size = eps.size();
    long movedTotal = 0;
    long movedOtherTotal = 0;
    // Remove each destination in turn from the same table: how much one removal disturbs depends strongly on which
    // destination goes (single removals moved up to 3.25/N here), so the bound is on the mean over all of them.
    for (Endpoint gone : eps) {
      IpvsService svc = IpvsService.create(Schedulers.create("mh"));
      eps.forEach(e -> svc.addDestination(e, 1));
      List<IpvsDestination> before = new ArrayList<>();
      flows.forEach(f -> before.add(svc.scheduler().select(f)));
      svc.removeDestination(gone);
      for (int k = 0; k < keys; k++) {
        IpvsDestination now = svc.scheduler().select(flows.get(k));
        boolean wasOnGone = before.get(k).endpoint().equals(gone);
        assertTrue(now != null && !now.endpoint().equals(gone), "key " + k + " still goes to the removed " + gone);
        if (now != before.get(k)) {
          movedTotal++;
          if (!wasOnGone) {
            movedOtherTotal++;
          }
        }
      }
    }
    double moved = (double) movedTotal / size;
    double movedOther = (double) movedOtherTotal / size;
    // The removed destination's keys must move: 1/N. Maglev's permutations then disturb some others, more as N
    // approaches M/100 (M = 4093): measured over the kernel-exact table, the total moved was 1.0/N at N=3,
    // 1.1/N at N=10, 1.6/N at N=30 and 2.4/N at N=60 on average. So "about 1/N" holds with a factor that
    // grows slowly with N, bounded here with margin by (1.5 + N/20) / N for the mean over all removals.
    assertTrue(moved >= keys * (1.0 / size) * 0.7, "moved only " + moved + " of " + keys + " keys for N=" + size);
    assertTrue(moved <= keys * (1.5 + size / 20.0) / size, "moved " + moved + " of " + keys + " keys for N=" + size);
    assertTrue(movedOther <= keys * (0.5 + size / 20.0) / size,
        "moved " + movedOther + " keys that were not on the removed destination, N=" + size);
  }

}
