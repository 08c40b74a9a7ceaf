package dev.lbkit.benchmarks;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Request;
import dev.lbkit.scheduling.IpvsConnection;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.Schedulers;
import dev.lbkit.scheduling.haproxy.HaproxyBackend;
import dev.lbkit.scheduling.haproxy.HaproxyServer;
import dev.lbkit.scheduling.haproxy.ServerConfig;
import dev.lbkit.scheduling.sim.SimDestination;
import dev.lbkit.scheduling.sim.SimScheduler;
import dev.lbkit.scheduling.sim.Simulator;
import dev.lbkit.scheduling.sim.Workload;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scheduling throughput: one connection scheduled and closed per operation (IPVS rr over an IpvsService, HAProxy
 * roundrobin over a HaproxyBackend), and whole simulations of {@value #CONNECTIONS} connections through the
 * simulator, reported per connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SimulatorBenchmark {
  static final int CONNECTIONS = 1_000_000;

  @Param({"rr", "roundrobin"})
  public String scheduler;

  private IpvsService ipvs;
  private HaproxyBackend haproxy;
  private Flow flow;
  private Request request;
  private Simulator simulator;
  private Workload workload;
  private List<SimScheduler> engines;

  @Setup
  public void setUp() {
    flow = new Flow(Protocol.TCP, InetAddress.getLoopbackAddress(), 40000, InetAddress.getLoopbackAddress(), 80, 0);
    request = Request.http(flow, "GET", "/", Map.of());
    ipvs = IpvsService.create(Schedulers.create("rr"));
    HaproxyBackend.Builder b = HaproxyBackend.builder().balance("roundrobin");
    for (int i = 1; i <= 8; i++) {
      Endpoint e = Endpoint.parse("10.0.0." + i + ":80");
      ipvs.addDestination(e, 1 + i % 3);
      b.server(ServerConfig.of("s" + i, e, 1 + i % 3));
    }
    haproxy = b.build();
    List<SimDestination> ds = List.of(new SimDestination("s1", 1, 8), new SimDestination("s2", 2, 8),
        new SimDestination("s3", 3, 8), new SimDestination("s4", 2, 8));
    simulator = new Simulator(ds);
    workload = Workload.synthetic(new Workload.Synthetic(CONNECTIONS, 1_000_000, 20, 2, 5_000, 42, List.of()));
    engines = List.of(SimScheduler.parse(scheduler));
  }

  /** Schedule and close one connection on the engine itself. */
  @Benchmark
  public Object connectAndClose() {
    if (scheduler.equals("rr")) {
      IpvsConnection c = ipvs.connect(flow).orElseThrow();
      c.close();
      return c;
    }
    HaproxyServer s = haproxy.scheduler().pickServer(request).orElseThrow();
    haproxy.connectionStarted(s);
    haproxy.connectionEnded(s);
    return s;
  }

  /** A whole simulation; the score is connections per second. */
  @Benchmark
  @OperationsPerInvocation(CONNECTIONS)
  public Object simulate() {
    return simulator.run(workload, engines);
  }
}
