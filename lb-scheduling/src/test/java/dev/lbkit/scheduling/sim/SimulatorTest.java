package dev.lbkit.scheduling.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class SimulatorTest {
  private static final List<SimDestination> THREE = List.of(new SimDestination("a", 1, 2),
      new SimDestination("b", 1, 2), new SimDestination("c", 2, 2));

  private static Workload csv(String text) throws IOException {
    return CsvWorkload.read(new StringReader(text), "w.csv");
  }

  @Test
  void roundRobin_spreadsByWeightAndMeasuresPerfectBalance() {
    Workload w = Workload.synthetic(new Workload.Synthetic(4000, 1000, 1000, 100, 50, 1, List.of()));
    SimulationReport r = new Simulator(THREE).run(w, List.of(SimScheduler.parse("wrr"),
        SimScheduler.parse("roundrobin")));
    for (SimulationReport.Result res : r.results()) {
      assertArrayEquals(new long[] {1000, 1000, 2000}, res.picks(), res.scheduler());
      assertEquals(1.0, r.imbalance(res), 1e-9);
      assertEquals(0.0, r.cv(res), 1e-9);
      assertEquals(0, res.unserved());
    }
  }

  @Test
  void failure_sendsNothingToTheFailedDestinationUntilItRecovers() throws IOException {
    StringBuilder down = new StringBuilder("event,time_ms,duration_ms,cost_ms,client,uri\nfail,0,c\n");
    StringBuilder back = new StringBuilder("fail,0,c\nrecover,100,c\n");
    for (int i = 0; i < 200; i++) {
      String line = "conn," + i + ",0.5,0.1,10.0.0." + (1 + i % 20) + ",/k" + (i % 20) + "\n";
      down.append(line);
      back.append(line);
    }
    for (String s : List.of("rr", "wlc", "mh", "roundrobin", "leastconn", "uri@consistent", "source")) {
      SimulationReport.Result r = new Simulator(THREE).run(csv(down.toString()), List.of(SimScheduler.parse(s)))
          .results().get(0);
      assertEquals(200, r.connections());
      assertEquals(0, r.unserved(), s);
      assertEquals(0, r.picks()[2], s + " picked the failed destination");
      assertEquals(1, r.changes().size());
      SimulationReport.Result after = new Simulator(THREE).run(csv(back.toString()),
          List.of(SimScheduler.parse(s))).results().get(0);
      assertTrue(after.picks()[2] > 0, s + " never used the recovered destination");
      assertTrue(after.picks()[2] <= 100, s + " used it before it recovered");
    }
  }

  @Test
  void consistentHashing_disruptsNoClientWhoseDestinationStayed() throws IOException {
    Workload base = Workload.synthetic(new Workload.Synthetic(20_000, 1000, 1000, 100, 500, 3, List.of()));
    Workload w = base.withChanges(List.of(Change.parse(Change.Kind.FAIL, "b@10s")));
    SimulationReport r = new Simulator(THREE).run(w, List.of(SimScheduler.parse("uri@consistent"),
        SimScheduler.parse("source@consistent"), SimScheduler.parse("rr")));
    assertEquals(0.0, r.meanDisruption(r.results().get(0)));
    assertEquals(0.0, r.meanDisruption(r.results().get(1)));
    assertTrue(r.meanDisruption(r.results().get(2)) > 0.3, "rr moves returning clients");
    assertTrue(r.results().get(0).changes().get(0).returningClients() > 100);
  }

  @Test
  void responseTime_includesQueueingBehindBusyWorkers() throws IOException {
    // one destination, one worker, three requests of 10 ms at once: 10, 20, 30 ms
    Workload w = csv("conn,0,1,10,10.0.0.1\nconn,0,1,10,10.0.0.2\nconn,0,1,10,10.0.0.3\n");
    SimulationReport r = new Simulator(List.of(new SimDestination("only", 1, 1)))
        .run(w, List.of(SimScheduler.parse("rr")));
    SimulationReport.Result res = r.results().get(0);
    assertEquals(10_000, res.responseQuantile(0.0));
    assertEquals(20_000, res.responseQuantile(0.5));
    assertEquals(30_000, res.responseQuantile(1.0));
    assertArrayEquals(new int[] {3}, res.maxOpen());
  }

  @Test
  void staticAlgorithm_refusalIsReportedNotHidden() {
    Workload w = Workload.synthetic(new Workload.Synthetic(100, 1000, 1000, 10, 10, 1,
        List.of(Change.parse(Change.Kind.WEIGHT, "c=7@10ms"))));
    SimulationReport r = new Simulator(THREE).run(w, List.of(SimScheduler.parse("static-rr")));
    assertEquals(1, r.results().get(0).refusedChanges().size());
    assertTrue(r.table().contains("refused"), r.table());
  }

  @Test
  void wallClock_isInjected() {
    AtomicLong t = new AtomicLong();
    Workload w = Workload.synthetic(new Workload.Synthetic(1000, 1000, 10, 10, 10, 1, List.of()));
    SimulationReport r = new Simulator(THREE, () -> t.getAndAdd(1_000_000)).run(w, List.of(SimScheduler.parse("rr")));
    assertEquals(1_000_000, r.results().get(0).wallNanos());
    assertEquals(1e6, r.results().get(0).connectionsPerSecond(), 1e-6);
  }

  @Test
  void svg_isWellFormedAndShowsEveryScheduler() throws Exception {
    Workload w = Workload.synthetic(new Workload.Synthetic(500, 1000, 1000, 10, 10, 1, List.of()));
    SimulationReport r = new Simulator(THREE).run(w, List.of(SimScheduler.parse("rr"),
        SimScheduler.parse("hdr(X-Key)@consistent")));
    String svg = r.svg();
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
    assertTrue(svg.trim().endsWith("</svg>"), svg);
    assertEquals(1 + 2 * 3 + 3, count(svg, "<rect ")); // background, bars, legend
    assertEquals(count(svg, "<text "), count(svg, "</text>"));
    assertEquals(count(svg, "<title>"), count(svg, "</title>"));
    assertTrue(!svg.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace("&quot;", "").contains("&"));
    assertTrue(svg.contains("hdr(X-Key) @consistent"));
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void badCsv_namesLineAndField() {
    CsvFormatException e = assertThrows(CsvFormatException.class,
        () -> csv("# header\nconn,0,1,1,10.0.0.1\nconn,1,abc,1,10.0.0.1\n"));
    assertEquals(3, e.line());
    assertEquals("duration_ms", e.field());
    assertTrue(e.getMessage().startsWith("w.csv:3: field duration_ms:"), e.getMessage());
    assertEquals("client", assertThrows(CsvFormatException.class, () -> csv("conn,0,1,1,not-an-ip\n")).field());
    assertEquals("time_ms", assertThrows(CsvFormatException.class, () -> csv("conn,5,1,1,10.0.0.1\nconn,4,1,1,"
        + "10.0.0.1\n")).field());
    assertEquals("event", assertThrows(CsvFormatException.class, () -> csv("boom,1,2\n")).field());
    assertEquals("weight", assertThrows(CsvFormatException.class, () -> csv("conn,0,1,1,10.0.0.1\nweight,1,a,-2\n"))
        .field());
    assertEquals(1, assertThrows(CsvFormatException.class, () -> csv("conn,0,1\n")).line());
    assertThrows(CsvFormatException.class, () -> csv("# nothing\n"));
  }

  @Test
  void unknownSchedulerOrDestination_isRejectedUpFront() {
    assertThrows(IllegalArgumentException.class, () -> SimScheduler.parse("fastest"));
    assertThrows(IllegalArgumentException.class, () -> SimScheduler.parse("uri@consistent md5"));
    Workload w = Workload.synthetic(new Workload.Synthetic(10, 1000, 10, 10, 10, 1,
        List.of(Change.parse(Change.Kind.FAIL, "zz@1s"))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Simulator(THREE).run(w, List.of(SimScheduler.parse("rr"))));
    assertTrue(e.getMessage().contains("'zz'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Change.parse(Change.Kind.FAIL, "a@5"));
    assertThrows(IllegalArgumentException.class, () -> SimDestination.parse("a=x", 8));
  }

  @Test
  void parse_unknownName_saysItIsNeitherFamilysName() {
    // the message listed only HAProxy's algorithms, though IPVS names (wrr, mh) are as welcome
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimScheduler.parse("wrrr"));
    assertTrue(e.getMessage().startsWith("'wrrr' is not an IPVS scheduler (one of dh, fo, lblc, lblcr, lc, mh, nq,"),
        e.getMessage());
    assertTrue(e.getMessage().contains("unknown balance algorithm 'wrrr'; expected roundrobin"), e.getMessage());
    assertTrue(e.getMessage().endsWith("random, hash <expression>"), e.getMessage());
  }

  @Test
  void parse_ipvsNameWithAHashType_saysWhyNotAnUnknownAlgorithm() {
    // "mh@consistent" was "unknown balance algorithm 'mh'"
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimScheduler.parse("mh@consistent"));
    assertEquals("'mh@consistent': mh is an IPVS scheduler, and @hash-type applies only to HAProxy balance"
        + " algorithms", e.getMessage());
  }
}
