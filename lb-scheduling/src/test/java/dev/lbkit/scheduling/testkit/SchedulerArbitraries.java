package dev.lbkit.scheduling.testkit;

import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Request;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for scheduler tests: destination sets (weights, flags, counters), flows and layer-7 requests.
 * Everything shrinks toward small, plain values (few destinations, weight 1, available, idle), so a failing
 * property reports a minimal destination set.
 */
public final class SchedulerArbitraries {
  private static final InetAddress VIP = address(new byte[] {(byte) 192, 0, 2, 10});

  private SchedulerArbitraries() {}

  /**
   * Sets of {@code min..max} destinations with ids 1..n, weights in {@code [0, maxWeight]} (mostly positive), some
   * unavailable or overloaded, and small connection counters.
   */
  public static Arbitrary<List<TestDestination>> destinationSets(int min, int max, int maxWeight) {
    Arbitrary<int[]> one = Combinators.combine(
        Arbitraries.integers().between(1, maxWeight).injectDuplicates(0.3),
        Arbitraries.integers().between(0, 9), // 1 in 10 weight 0
        Arbitraries.integers().between(0, 9), // 1 in 10 unavailable
        Arbitraries.integers().between(0, 9), // 1 in 10 overloaded
        Arbitraries.integers().between(0, 50),
        Arbitraries.integers().between(0, 50)).as((w, zero, unavailable, overloaded, act, inact) ->
            new int[] {zero == 0 ? 0 : w, unavailable == 0 ? 0 : 1, overloaded == 0 ? 1 : 0, act, inact});
    return one.list().ofMinSize(min).ofMaxSize(max).map(SchedulerArbitraries::number);
  }

  /** Sets of {@code min..max} available, idle destinations with weights in {@code [1, maxWeight]}. */
  public static Arbitrary<List<TestDestination>> healthyWeightedSets(int min, int max, int maxWeight) {
    return Arbitraries.integers().between(1, maxWeight).list().ofMinSize(min).ofMaxSize(max).map(ws -> {
      List<TestDestination> out = new ArrayList<>();
      for (int i = 0; i < ws.size(); i++) {
        out.add(TestDestination.of(i + 1, ws.get(i)));
      }
      return out;
    });
  }

  private static List<TestDestination> number(List<int[]> specs) {
    List<TestDestination> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      int[] s = specs.get(i);
      out.add(new TestDestination(i + 1, TestDestination.endpointFor(i + 1), s[0], s[3], s[4], 0, s[2] == 1,
          s[1] == 1));
    }
    return out;
  }

  /** TCP flows from random IPv4 clients (10.x.y.z or 172.16-31.y.z) to 192.0.2.10:80. */
  public static Arbitrary<Flow> flows() {
    return Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE),
        Arbitraries.integers().between(1024, 65535)).as((addr, port) -> {
          int a = addr;
          byte[] b = {10, (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
          return new Flow(Protocol.TCP, address(b), port, VIP, 80, 0);
        });
  }

  /**
   * HTTP requests (and, one in eight, an RDP connection): varied paths, a {@code user} query parameter most of the
   * time, a {@code Host} and usually an {@code X-Key} header.
   */
  public static Arbitrary<Request> requests() {
    Arbitrary<String> path = Arbitraries.of("static", "img", "api", "v1", "users", "a", "b", "index.html")
        .list().ofMinSize(1).ofMaxSize(4).map(l -> "/" + String.join("/", l));
    Arbitrary<String> key = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8);
    return Combinators.combine(flows(), path, key, Arbitraries.integers().between(0, 7)).as((flow, p, k, kind) -> {
      if (kind == 0) {
        return new Request(flow, "", "", Map.of(), Optional.of(k));
      }
      String uri = kind < 6 ? p + "?user=" + k : p;
      Map<String, List<String>> headers = kind % 3 == 0
          ? Map.of("Host", List.of("www.example.com"))
          : Map.of("Host", List.of(k + ".example.com"), "X-Key", List.of(k));
      return Request.http(flow, "GET", uri, headers);
    });
  }

  /** Lists of {@code min..max} requests. */
  public static Arbitrary<List<Request>> requestLists(int min, int max) {
    return requests().list().ofMinSize(min).ofMaxSize(max);
  }

  private static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * {@code n} distinct requests from a seed: each has its own client address and port, path, {@code user}
   * parameter, {@code X-Key} header and RDP cookie, so hashing schedulers see {@code n} different keys.
   */
  public static List<Request> distinctRequests(long seed, int n) {
    java.util.Random rnd = new java.util.Random(seed);
    List<Request> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int a = rnd.nextInt();
      byte[] b = {10, (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
      Flow flow = new Flow(Protocol.TCP, address(b), 1024 + rnd.nextInt(60000), VIP, 80, 0);
      String k = Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36);
      out.add(new Request(flow, "GET", "/" + k + "?user=" + k,
          Map.of("Host", List.of(k + ".example.com"), "X-Key", List.of(k)), Optional.of(k)));
    }
    return out;
  }
}
