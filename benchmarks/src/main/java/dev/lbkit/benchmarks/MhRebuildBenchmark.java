package dev.lbkit.benchmarks;

import dev.lbkit.api.Endpoint;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.Schedulers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of a table rebuild: an edit of one destination's weight rebuilds the whole mh table (4093 slots) and sh
 * table (256 buckets), as the kernel's {@code upd_dest} does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MhRebuildBenchmark {
  @Param({"mh", "sh"})
  public String scheduler;

  @Param({"1000"})
  public int destinations;

  private IpvsService service;
  private Endpoint edited;
  private int weight = 1;

  @Setup
  public void setUp() throws UnknownHostException {
    SplittableRandom r = new SplittableRandom(1);
    service = IpvsService.create(Schedulers.create(scheduler));
    for (int i = 0; i < destinations; i++) {
      InetAddress a = InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
      Endpoint e = new Endpoint(a, 80);
      service.addDestination(e, 1 + r.nextInt(100));
      edited = e;
    }
  }

  @Benchmark
  public int rebuildOnEdit() {
    weight = weight == 100 ? 1 : weight + 1;
    service.setWeight(edited, weight);
    return weight;
  }
}
