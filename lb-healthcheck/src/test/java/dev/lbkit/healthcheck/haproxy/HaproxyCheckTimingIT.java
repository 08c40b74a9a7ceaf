package dev.lbkit.healthcheck.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.HealthChecker;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.TargetStatus;
import dev.lbkit.healthcheck.http.HttpCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * HAProxy's check timing over time, compared with a real HAProxy 2.6: {@code inter}, {@code fastinter},
 * {@code downinter}, {@code rise} and {@code fall}. One scripted backend per checker answers its n-th check with the
 * n-th verdict of the same script and, as each check arrives, records the checker's state (HAProxy's {@code show stat}
 * status, lbkit's {@link TargetStatus} in HAProxy's words). That places every state change between two given checks,
 * exactly and independently of load; the gap from one answer to the next arrival shows which interval was used (and,
 * measured so, a stall on the backends' side can only lengthen it: see {@link ScriptedBackend.Arrival}).
 *
 * <p>How HAProxy spreads first checks and {@code spread-checks} are compared in HaproxyCheckSpreadIT.
 */
final class HaproxyCheckTimingIT {
  private static final int RISE = 2;
  private static final int FALL = 3;
  private static final Duration INTER = Duration.ofMillis(700);
  private static final Duration FAST = Duration.ofMillis(150);
  private static final Duration DOWN = Duration.ofMillis(1400);

  /** HAProxy's status words for a health counter (stats: "UP", "UP 1/3" going down, "DOWN 1/2" going up). */
  static String haproxyWords(boolean up, int health, int rise, int fall) {
    if (up) {
      return health == rise + fall - 1 ? "UP" : "UP " + (health - rise + 1) + "/" + fall;
    }
    return health == 0 ? "DOWN" : "DOWN " + health + "/" + rise;
  }

  @Test
  void riseFallAndIntervals_matchHaproxyCheckByCheck() throws Exception {
    // P: 200, F: 503. From HAProxy's initial health (rise, "UP 1/3"): one pass fills the counter; three failures
    // down (fall); three checks down; a pass then a failure start the rise count again; two passes up (rise); two
    // failures and one pass, which restores the full margin; one more failure.
    String script = "PPPFFFFFPFPPPFFPFP";
    List<Boolean> answers = new ArrayList<>();
    for (char c : script.toCharArray()) {
      answers.add(c == 'P');
    }
    // the state before each check and the interval after it, by the rules in CheckPolicy's Javadoc
    List<String> expectedStates = new ArrayList<>();
    List<Duration> expectedGaps = new ArrayList<>();
    boolean up = true;
    int health = RISE;
    for (boolean pass : answers) {
      expectedStates.add(haproxyWords(up, health, RISE, FALL));
      if (pass) { // HAProxy 2.6 check.c set_server_check_status
        health = Math.min(RISE + FALL - 1, health + 1);
        if (health >= RISE) {
          up = true;
          health = RISE + FALL - 1;
        }
      } else {
        health = Math.max(0, health - 1);
        if (health < RISE) {
          up = false;
          health = 0;
        }
      }
      expectedGaps.add(health == RISE + FALL - 1 ? INTER : !up && health == 0 ? DOWN : FAST);
    }
    expectedGaps.remove(expectedGaps.size() - 1); // no gap after the last check

    AtomicReference<RealHaproxy> haproxyRef = new AtomicReference<>();
    AtomicReference<HealthChecker> checkerRef = new AtomicReference<>();
    AtomicReference<Target> targetRef = new AtomicReference<>();
    try (ScriptedBackend theirs = new ScriptedBackend(answers, () -> haproxyState(haproxyRef));
        ScriptedBackend ours = new ScriptedBackend(answers, () -> {
          TargetStatus s = checkerRef.get().status(targetRef.get().key()).orElseThrow();
          return haproxyWords(s.up(), s.health(), RISE, FALL);
        })) {
      String cfg = "defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\n"
          + "  timeout check 4s\n\nbackend timing\n  option httpchk GET /t\n  server s 127.0.0.1:" + theirs.port()
          + " check inter " + INTER.toMillis() + " fastinter " + FAST.toMillis() + " downinter " + DOWN.toMillis()
          + " rise " + RISE + " fall " + FALL + "\n";
      Target target = Target.of(Endpoint.parse("127.0.0.1:10080"), 1,
          HttpCheck.haproxy(new Endpoint(InetAddress.getLoopbackAddress(), ours.port())).method("GET").path("/t")
              .build(),
          CheckPolicy.haproxy().interval(INTER).fastInterval(FAST).downInterval(DOWN).rise(RISE).fall(FALL)
              .timeout(Duration.ofSeconds(4)).build());
      targetRef.set(target);
      try (RealHaproxy haproxy = new RealHaproxy(cfg); HealthChecker checker = HealthChecker.builder().build()) {
        haproxyRef.set(haproxy);
        checkerRef.set(checker);
        checker.add(target);
        for (int i = 0; i < 600 && (theirs.arrivals().size() < answers.size()
            || ours.arrivals().size() < answers.size()); i++) {
          Thread.sleep(50); // hang guard 30 s; the script takes about 12 s
        }
      }
      List<ScriptedBackend.Arrival> h = theirs.arrivals().subList(0, Math.min(answers.size(), theirs.arrivals().size()));
      List<ScriptedBackend.Arrival> l = ours.arrivals().subList(0, Math.min(answers.size(), ours.arrivals().size()));
      String trace = "check  expected        haproxy (wait ms)       lbkit (wait ms)\n" + table(expectedStates, h, l);
      System.out.print(trace);
      assertEquals(answers.size(), h.size(), "HAProxy checks seen\n" + trace);
      assertEquals(answers.size(), l.size(), "lbkit checks seen\n" + trace);
      assertEquals(states(h), states(l), "state before each check: haproxy vs lbkit\n" + trace);
      assertEquals(expectedStates, states(h), "haproxy vs the documented rules\n" + trace);
      List<Duration> hGaps = classify(h);
      List<Duration> lGaps = classify(l);
      assertEquals(hGaps, lGaps, "interval after each check (nearest of fastinter/inter/downinter)\n" + trace);
      assertEquals(expectedGaps, hGaps, "haproxy's intervals vs the documented rules\n" + trace);
      for (List<ScriptedBackend.Arrival> side : List.of(h, l)) {
        for (int i = 1; i < side.size(); i++) {
          // never early: a check waits at least 80% of its interval after the answer (timers may fire a little early)
          assertTrue(gap(side, i) >= expectedGaps.get(i - 1).toNanos() * 8 / 10, "check " + (i + 1) + " early\n"
              + trace);
        }
      }
    }
  }

  /**
   * {@code slowstart}: after a server comes back up, the effective weight HAProxy shows ({@code show stat} weight,
   * balance roundrobin) and lbkit's effective weight step through the same values, a step a second. lbkit's steps
   * are its {@link WeightChanged} events, each of which must carry the model's weight for the whole seconds since
   * its {@link DestinationUp} on its own clock (the event's time), so a sampling stall cannot lose one. HAProxy's are
   * read from {@code show stat} every 50 ms. HAProxy counts whole seconds of its clock since the change, and lbkit
   * rounds the seconds of a late timer, so either may skip one step (HAProxy when the change fell just before a
   * second boundary, lbkit when its timer ran over half a second late): each side's steps must be the model's in
   * order with at most one missing, from the first step to the full weight.
   */
  @Test
  void slowstartRamp_takesHaproxysSteps() throws Exception {
    int weight = 100;
    int slowstartSeconds = 6;
    AtomicBoolean healthy = new AtomicBoolean(false);
    List<DestinationEvent> events = new CopyOnWriteArrayList<>();
    try (SwitchedBackend theirs = new SwitchedBackend(healthy); SwitchedBackend ours = new SwitchedBackend(healthy)) {
      String cfg = "defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\n"
          + "  timeout check 2s\n\nbackend ramp\n  balance roundrobin\n  option httpchk GET /t\n  server s 127.0.0.1:"
          + theirs.port() + " weight " + weight + " check inter 100 rise 1 fall 1 slowstart " + slowstartSeconds
          + "s\n";
      Target target = Target.of(Endpoint.parse("127.0.0.1:10081"), weight,
          HttpCheck.haproxy(new Endpoint(InetAddress.getLoopbackAddress(), ours.port())).method("GET").path("/t")
              .build(),
          CheckPolicy.haproxy().interval(Duration.ofMillis(100)).rise(1).fall(1)
              .slowStart(Duration.ofSeconds(slowstartSeconds)).timeout(Duration.ofSeconds(2)).build());
      List<Integer> theirSteps = new ArrayList<>();
      List<DestinationEvent> ourRamp;
      StringBuilder trace = new StringBuilder();
      try (RealHaproxy haproxy = new RealHaproxy(cfg);
          HealthChecker checker = HealthChecker.builder().listener(events::add).build()) {
        checker.add(target);
        String[] row = null;
        for (int i = 0; i < 100 && (row == null || !row[RealHaproxy.STATUS].startsWith("DOWN")
            || checker.status(target.key()).orElseThrow().up()); i++) {
          Thread.sleep(100); // both see the backend fail and go down
          row = haproxy.stat().get("ramp");
        }
        int from = events.size();
        healthy.set(true);
        long start = System.nanoTime();
        // HAProxy sampled every 50 ms until both are at full weight, at most slowstart + 6 s
        while (System.nanoTime() - start < Duration.ofSeconds(slowstartSeconds + 6).toNanos()) {
          row = haproxy.stat().get("ramp");
          int hw = row[RealHaproxy.STATUS].startsWith("UP") ? Integer.parseInt(row[RealHaproxy.WEIGHT]) : 0;
          add(theirSteps, hw);
          trace.append((System.nanoTime() - start) / 1_000_000).append(" ms: haproxy ").append(row[RealHaproxy.STATUS])
              .append(" w=").append(hw).append('\n');
          if (hw == weight && events.subList(from, events.size()).stream()
              .anyMatch(e -> e instanceof WeightChanged && ((WeightChanged) e).newWeight() == weight)) {
            break;
          }
          Thread.sleep(50);
        }
        ourRamp = List.copyOf(events.subList(from, events.size()));
      }
      List<Integer> model = new ArrayList<>();
      for (int k = 0; k <= slowstartSeconds; k++) {
        add(model, rampWeight(weight, slowstartSeconds, k));
      }
      // lbkit: up, then each step on its own clock
      List<Integer> ourSteps = new ArrayList<>();
      List<String> offClock = new ArrayList<>();
      Instant up = null;
      for (DestinationEvent e : ourRamp) {
        trace.append("lbkit ").append(e).append('\n');
        if (e instanceof DestinationUp && up == null) {
          up = e.at();
        } else if (e instanceof WeightChanged && up != null) {
          int w = ((WeightChanged) e).newWeight();
          ourSteps.add(w);
          long seconds = (Duration.between(up, e.at()).toMillis() + 500) / 1000;
          int expected = rampWeight(weight, slowstartSeconds, seconds);
          if (w != expected) {
            offClock.add(w + " at " + Duration.between(up, e.at()).toMillis() + " ms after up, not " + expected);
          }
        }
      }
      String why = "model " + model + ", haproxy " + theirSteps + ", lbkit " + ourSteps + "\n" + trace;
      System.out.println("slowstart steps: " + why.substring(0, why.indexOf('\n')));
      assertTrue(up != null, "lbkit's target came up\n" + why);
      assertTrue(offClock.isEmpty(), "lbkit's steps against its own clock: " + offClock + "\n" + why);
      for (List<Integer> side : List.of(theirSteps, ourSteps)) {
        String who = (side == theirSteps ? "haproxy" : "lbkit") + "\n" + why;
        assertTrue(!side.isEmpty() && side.get(0).equals(model.get(0))
            && side.get(side.size() - 1).equals(weight), "first and last step, " + who);
        assertTrue(model.size() - side.size() <= 1 && isSubsequence(side, model), "steps, " + who);
      }
    }
  }

  /**
   * {@code slowstart} with a static algorithm ({@code balance static-rr}, {@code balance source} with its default
   * map-based hashing): HAProxy 2.6 ramps the weight only for dynamic algorithms (server.c
   * {@code server_recalc_eweight}), so a server coming back up shows its full weight at once; lbkit with
   * {@link CheckPolicy.Builder#staticAlgorithm staticAlgorithm(true)} publishes it at once too. HAProxy's weights are
   * sampled for 2.5 s of the 6 s slowstart; lbkit's are its events, every one of them. A roundrobin backend in the
   * same HAProxy and a dynamic lbkit target, coming up at the same moment, show the ramp (7 of 100 first), so the
   * sampling and the listener would see a ramp if there were one.
   */
  @Test
  void slowstartWithAStaticAlgorithm_keepsTheFullWeight_asHaproxy() throws Exception {
    int weight = 100;
    AtomicBoolean healthy = new AtomicBoolean(false);
    List<String> algorithms = List.of("static-rr", "source", "roundrobin");
    List<SwitchedBackend> theirs = new ArrayList<>();
    List<SwitchedBackend> ours = new ArrayList<>();
    List<DestinationEvent> events = new CopyOnWriteArrayList<>();
    try {
      StringBuilder cfg = new StringBuilder("defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n"
          + "  timeout server 5s\n  timeout check 2s\n\n");
      List<Target> targets = new ArrayList<>();
      for (int i = 0; i < algorithms.size(); i++) {
        theirs.add(new SwitchedBackend(healthy));
        cfg.append("backend b").append(i).append("\n  balance ").append(algorithms.get(i))
            .append("\n  option httpchk GET /t\n  server s 127.0.0.1:").append(theirs.get(i).port())
            .append(" weight ").append(weight).append(" check inter 100 rise 1 fall 1 slowstart 6s\n\n");
        ours.add(new SwitchedBackend(healthy));
        targets.add(Target.of(Endpoint.parse("127.0.0.1:" + (10090 + i)), weight,
            HttpCheck.haproxy(new Endpoint(InetAddress.getLoopbackAddress(), ours.get(i).port())).method("GET")
                .path("/t").build(),
            CheckPolicy.haproxy().interval(Duration.ofMillis(100)).rise(1).fall(1).slowStart(Duration.ofSeconds(6))
                .staticAlgorithm(!algorithms.get(i).equals("roundrobin")).timeout(Duration.ofSeconds(2)).build()));
      }
      List<List<Integer>> seen = new ArrayList<>();
      for (int i = 0; i < 2 * algorithms.size(); i++) {
        seen.add(new ArrayList<>());
      }
      StringBuilder trace = new StringBuilder();
      try (RealHaproxy haproxy = new RealHaproxy(cfg.toString());
          HealthChecker checker = HealthChecker.builder().listener(events::add).build()) {
        targets.forEach(checker::add);
        Map<String, String[]> stat = Map.of();
        for (int i = 0; i < 100 && (stat.size() < algorithms.size()
            || stat.values().stream().anyMatch(r -> !r[RealHaproxy.STATUS].startsWith("DOWN"))
            || targets.stream().anyMatch(t -> checker.status(t.key()).orElseThrow().up())); i++) {
          Thread.sleep(100); // all see their backend fail and go down
          stat = haproxy.stat();
        }
        int from = events.size();
        healthy.set(true);
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofMillis(2500).toNanos()) {
          stat = haproxy.stat();
          trace.append((System.nanoTime() - start) / 1_000_000).append(" ms:");
          for (int i = 0; i < algorithms.size(); i++) {
            String[] row = stat.get("b" + i);
            if (row[RealHaproxy.STATUS].startsWith("UP")) {
              add(seen.get(i), Integer.parseInt(row[RealHaproxy.WEIGHT]));
            }
            trace.append(' ').append(algorithms.get(i)).append(' ').append(row[RealHaproxy.STATUS]).append(" w=")
                .append(row[RealHaproxy.WEIGHT]).append(',');
          }
          trace.append('\n');
          Thread.sleep(50);
        }
        // lbkit: from the events after coming up, every weight it published; none means it kept the weight it had
        // before going down, which its status shows
        for (int i = 0; i < targets.size(); i++) {
          Endpoint d = targets.get(i).destination();
          boolean cameUp = false;
          for (DestinationEvent e : events.subList(from, events.size())) {
            if (!e.destination().equals(d)) {
              continue;
            }
            trace.append("lbkit ").append(algorithms.get(i)).append(' ').append(e).append('\n');
            cameUp |= e instanceof DestinationUp;
            if (cameUp && e instanceof WeightChanged) {
              add(seen.get(algorithms.size() + i), ((WeightChanged) e).newWeight());
            }
          }
          TargetStatus st = checker.status(targets.get(i).key()).orElseThrow();
          if (cameUp && seen.get(algorithms.size() + i).isEmpty() && st.up()) {
            add(seen.get(algorithms.size() + i), st.weight());
          }
        }
      }
      String why = "weights seen once up: haproxy " + algorithms + " " + seen.subList(0, algorithms.size())
          + ", lbkit " + algorithms + " " + seen.subList(algorithms.size(), seen.size());
      System.out.println("slowstart, static algorithms: " + why);
      for (int side = 0; side < 2; side++) {
        String who = side == 0 ? "haproxy " : "lbkit ";
        List<List<Integer>> w = seen.subList(side * algorithms.size(), (side + 1) * algorithms.size());
        assertEquals(List.of(weight), w.get(0), who + "static-rr\n" + why + "\n" + trace);
        assertEquals(List.of(weight), w.get(1), who + "source\n" + why + "\n" + trace);
        assertTrue(!w.get(2).isEmpty() && w.get(2).get(0) < weight, who + "roundrobin ramps\n" + why + "\n" + trace);
      }
    } finally {
      for (SwitchedBackend b : theirs) {
        b.close();
      }
      for (SwitchedBackend b : ours) {
        b.close();
      }
    }
  }

  /**
   * The weight {@code seconds} whole seconds after coming up: HAProxy 2.6 server_recalc_eweight with BE_WEIGHT_SCALE
   * 16, shown rounded up; the full weight from {@code slowstart} on.
   */
  private static int rampWeight(int weight, int slowstartSeconds, long seconds) {
    if (seconds >= slowstartSeconds) {
      return weight;
    }
    return (int) ((weight * ((16 * seconds) / slowstartSeconds + 1) + 15) / 16);
  }

  /** Adds a weight seen after coming up, once per step (0 means not up yet). */
  private static void add(List<Integer> steps, int w) {
    if (w > 0 && (steps.isEmpty() || steps.get(steps.size() - 1) != w)) {
      steps.add(w);
    }
  }

  private static boolean isSubsequence(List<Integer> part, List<Integer> whole) {
    int j = 0;
    for (int w : whole) {
      if (j < part.size() && part.get(j) == w) {
        j++;
      }
    }
    return j == part.size();
  }

  /** A loopback HTTP server answering 200 while {@code healthy}, else 503. */
  private static final class SwitchedBackend implements AutoCloseable {
    private final ServerSocket server;

    SwitchedBackend(AtomicBoolean healthy) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket c = server.accept()) {
            c.setSoTimeout(3000);
            InputStream in = c.getInputStream();
            ScriptedBackend.readHead(in);
            c.getOutputStream().write((healthy.get() ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.0 503 Down\r\n")
                .concat("Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            if (server.isClosed()) {
              return;
            }
          }
        }
      }, "switched-backend");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static String haproxyState(AtomicReference<RealHaproxy> ref) {
    try {
      for (int i = 0; i < 200; i++) { // up to 2 s: HAProxy checks at once, maybe before the test holds it
        RealHaproxy haproxy = ref.get();
        String[] row = haproxy == null ? null : haproxy.stat().get("timing");
        if (row != null) {
          return row[RealHaproxy.STATUS];
        }
        Thread.sleep(10);
      }
      return "?";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private static List<String> states(List<ScriptedBackend.Arrival> arrivals) {
    List<String> s = new ArrayList<>();
    arrivals.forEach(a -> s.add(a.stateBefore()));
    return s;
  }

  /** The wait before check {@code i}: from the answer to check {@code i - 1} to its arrival, in ns. */
  private static long gap(List<ScriptedBackend.Arrival> side, int i) {
    return side.get(i).nanos() - side.get(i - 1).answerNanos();
  }

  /** Each gap as the nearest of the three intervals. */
  private static List<Duration> classify(List<ScriptedBackend.Arrival> arrivals) {
    List<Duration> out = new ArrayList<>();
    for (int i = 1; i < arrivals.size(); i++) {
      long gap = gap(arrivals, i);
      Duration best = null;
      for (Duration d : List.of(FAST, INTER, DOWN)) {
        if (best == null || Math.abs(gap - d.toNanos()) < Math.abs(gap - best.toNanos())) {
          best = d;
        }
      }
      out.add(best);
    }
    return out;
  }

  private static String table(List<String> expected, List<ScriptedBackend.Arrival> h,
      List<ScriptedBackend.Arrival> l) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < expected.size(); i++) {
      b.append(String.format(java.util.Locale.ROOT, "%5d  %-14s  %-22s  %s%n", i + 1, expected.get(i),
          cell(h, i), cell(l, i)));
    }
    return b.toString();
  }

  private static String cell(List<ScriptedBackend.Arrival> side, int i) {
    if (i >= side.size()) {
      return "-";
    }
    ScriptedBackend.Arrival a = side.get(i);
    String gap = i == 0 ? "" : " (" + gap(side, i) / 1_000_000 + ")";
    return a.stateBefore() + (a.passed() ? " +200" : " +503") + gap;
  }
}
