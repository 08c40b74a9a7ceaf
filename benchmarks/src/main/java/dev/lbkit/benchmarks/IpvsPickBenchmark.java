package dev.lbkit.benchmarks;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsConnection;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.Schedulers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pick latency of the IPVS schedulers over services of 8 to 10,000 destinations with mixed weights and existing
 * connections (so least-connection orders are not trivial).
 *
 * <ul>
 *   <li>{@code pick}: {@link IpvsScheduler#select} alone, as the kernel's {@code schedule} callback; the flows rotate
 *       over 4096 sources and 256 destination addresses so hashing schedulers and lblc see varied keys.
 *   <li>{@code connectAndClose}: a full cycle as IPVS does it per connection: pick, bind (counters, overload check,
 *       index update) and unbind of the oldest of 1024 open connections. This is where lc/wlc/sed/nq/ovf pay for not
 *       scanning (two O(log n) heap updates per connection).
 * </ul>
 *
 * <p>Run with {@code -prof gc} to see allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class IpvsPickBenchmark {
  @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr"})
  public String scheduler;

  @Param({"8", "128", "1024", "10000"})
  public int destinations;

  private IpvsService service;
  private IpvsScheduler sched;
  private Flow[] flows;
  private int next;
  private IpvsConnection[] ring;
  private int ringPos;

  @Setup(Level.Trial)
  public void setUp() throws UnknownHostException {
    SplittableRandom r = new SplittableRandom(42);
    service = IpvsService.builder(Schedulers.create(scheduler)).random(new SplittableRandom(7)).build();
    sched = service.scheduler();
    for (int i = 0; i < destinations; i++) {
      InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
      service.addDestination(new Endpoint(a, 80), 1 + r.nextInt(10));
    }
    flows = new Flow[4096];
    for (int i = 0; i < flows.length; i++) {
      InetAddress src = InetAddress.getByAddress(
          new byte[] {(byte) 198, 51, (byte) (i >> 8), (byte) i});
      InetAddress dst = InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) (i % 256)});
      flows[i] = new Flow(Protocol.TCP, src, 1024 + i, dst, 80, 0);
    }
    // existing load: about two connections per destination, a third of them inactive
    List<IpvsConnection> open = new ArrayList<>();
    for (int i = 0; i < 2 * destinations; i++) {
      service.connect(flows[r.nextInt(flows.length)]).ifPresent(open::add);
    }
    for (IpvsConnection c : open) {
      if (r.nextInt(3) == 0) {
        c.deactivate();
      }
    }
    ring = new IpvsConnection[1024];
  }

  @Benchmark
  public IpvsDestination pick() {
    Flow f = flows[next];
    next = (next + 1) & (flows.length - 1);
    return sched.select(f);
  }

  @Benchmark
  public Object connectAndClose() {
    Flow f = flows[next];
    next = (next + 1) & (flows.length - 1);
    IpvsConnection old = ring[ringPos];
    if (old != null) {
      old.close();
    }
    IpvsConnection c = service.connect(f).orElse(null);
    ring[ringPos] = c;
    ringPos = (ringPos + 1) & (ring.length - 1);
    return c;
  }
}
