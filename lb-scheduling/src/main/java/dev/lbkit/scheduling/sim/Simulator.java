package dev.lbkit.scheduling.sim;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Replays a {@link Workload} through schedulers and measures what each one does to the destinations.
 *
 * <pre>{@code
 * Workload w = Workload.synthetic(new Workload.Synthetic(1_000_000, 20_000, 50_000, 2_000, 10_000, 42,
 *     List.of(Change.parse(Change.Kind.FAIL, "s2@10s"))));
 * SimulationReport r = new Simulator(List.of(new SimDestination("s1", 1, 8), new SimDestination("s2", 2, 8)))
 *     .run(w, List.of(SimScheduler.parse("wlc"), SimScheduler.parse("roundrobin")));
 * System.out.print(r.table());
 * }</pre>
 *
 * <p>The model: every connection arrives, is scheduled, and stays open for its duration (or until its request is
 * served, if that is later); while open it counts on its destination, which is what least-connection schedulers
 * see. Its request waits for the first free of the destination's workers and takes its cost in worker time; the
 * response time is that wait plus the cost. Changes apply at their time, before arrivals at the same time.
 * Disruption after a change is the share of returning clients whose destination changed although their old one
 * is still up. Stateless between runs; one simulator may run from several threads.
 */
public final class Simulator {
  private final List<SimDestination> destinations;
  private final Map<String, Integer> index = new HashMap<>();
  private final LongSupplier nanoClock;

  /** A simulator over these destinations, timing runs with {@link System#nanoTime()}. */
  public Simulator(List<SimDestination> destinations) {
    this(destinations, System::nanoTime);
  }

  /**
   * A simulator with its own clock for the wall-time measurement.
   *
   * @throws IllegalArgumentException for no destinations or duplicate names
   */
  public Simulator(List<SimDestination> destinations, LongSupplier nanoClock) {
    this.destinations = List.copyOf(requireNonNull(destinations, "destinations"));
    this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    if (destinations.isEmpty()) {
      throw new IllegalArgumentException("a simulation needs at least one destination");
    }
    for (int i = 0; i < destinations.size(); i++) {
      if (index.put(destinations.get(i).name(), i) != null) {
        throw new IllegalArgumentException("destination name '" + destinations.get(i).name() + "' is used twice");
      }
    }
  }

  /**
   * A simulator that times runs by the CPU time of the thread running them, so that a busy machine does not
   * distort {@link SimulationReport.Result#connectionsPerSecond()}; falls back to wall time where the JVM cannot
   * measure thread CPU time.
   */
  public static Simulator cpuTimed(List<SimDestination> destinations) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    if (!mx.isCurrentThreadCpuTimeSupported()) {
      return new Simulator(destinations);
    }
    return new Simulator(destinations, mx::getCurrentThreadCpuTime);
  }

  /** The destinations, in order. */
  public List<SimDestination> destinations() {
    return destinations;
  }

  /**
   * Runs the workload through each scheduler (each from a fresh state, seeded with {@code 1}).
   *
   * @throws IllegalArgumentException if a change names an unknown destination
   */
  public SimulationReport run(Workload workload, List<SimScheduler> schedulers) {
    for (Change c : workload.changes()) {
      if (!index.containsKey(c.destination())) {
        throw new IllegalArgumentException("change at " + c.timeMicros() + " us names destination '"
            + c.destination() + "' but the destinations are " + index.keySet());
      }
    }
    List<SimulationReport.Result> results = new ArrayList<>();
    for (SimScheduler s : schedulers) {
      results.add(runOne(workload, s));
    }
    return new SimulationReport(destinations, workload, results);
  }

  private SimulationReport.Result runOne(Workload w, SimScheduler scheduler) {
    int nd = destinations.size();
    int n = w.size();
    SimScheduler.Run run = scheduler.start(destinations, 1);
    long[] picks = new long[nd];
    long[] cost = new long[nd];
    int[] open = new int[nd];
    int[] maxOpen = new int[nd];
    long[][] workerFree = new long[nd][];
    for (int d = 0; d < nd; d++) {
      workerFree[d] = new long[destinations.get(d).workers()];
    }
    boolean[] up = new boolean[nd];
    Arrays.fill(up, true);
    long[] response = new long[n];
    int served = 0;
    EndHeap ends = new EndHeap(1024);
    List<Change> changes = w.changes();
    int nextChange = 0;
    List<String> refused = new ArrayList<>();
    // disruption: last destination per client, and per change the snapshot taken at the change
    int[] last = new int[w.clients()];
    Arrays.fill(last, -1);
    int[] snapshot = null;
    boolean[] seenSince = null;
    long[] moved = new long[changes.size()];
    long[] considered = new long[changes.size()];
    int current = -1;

    long started = nanoClock.getAsLong();
    for (int i = 0; i < n; i++) {
      long t = w.arrivalMicros(i);
      while (ends.size > 0 && ends.minTime() <= t) {
        int slot = ends.pop();
        Object handle = ends.handle(slot);
        open[ends.dest(slot)]--;
        run.close(handle);
        ends.free(slot);
      }
      while (nextChange < changes.size() && changes.get(nextChange).timeMicros() <= t) {
        Change c = changes.get(nextChange);
        int d = index.get(c.destination());
        try {
          run.apply(c, d);
          if (c.kind() == Change.Kind.FAIL) {
            up[d] = false;
          } else if (c.kind() == Change.Kind.RECOVER) {
            up[d] = true;
          }
        } catch (IllegalArgumentException e) {
          refused.add(c + ": " + e.getMessage());
        }
        snapshot = last.clone();
        seenSince = new boolean[last.length];
        current = nextChange;
        nextChange++;
      }
      Object handle = run.open(w.clientRequest(w.client(i)));
      if (handle == null) {
        response[i] = -1;
        continue;
      }
      int d = run.destination(handle);
      picks[d]++;
      long c = w.costMicros(i);
      cost[d] += c;
      long[] free = workerFree[d];
      int k = 0;
      for (int j = 1; j < free.length; j++) {
        if (free[j] < free[k]) {
          k = j;
        }
      }
      long finish = Math.max(t, free[k]) + c;
      free[k] = finish;
      response[i] = finish - t;
      served++;
      if (++open[d] > maxOpen[d]) {
        maxOpen[d] = open[d];
      }
      ends.push(Math.max(t + w.durationMicros(i), finish), d, handle);
      int client = w.client(i);
      if (current >= 0 && !seenSince[client]) {
        seenSince[client] = true;
        int before = snapshot[client];
        if (before >= 0 && up[before]) {
          considered[current]++;
          if (before != d) {
            moved[current]++;
          }
        }
      }
      last[client] = d;
    }
    long wall = nanoClock.getAsLong() - started;
    while (ends.size > 0) {
      int slot = ends.pop();
      run.close(ends.handle(slot));
      ends.free(slot);
    }
    List<SimulationReport.ChangeEffect> effects = new ArrayList<>();
    for (int c = 0; c < changes.size(); c++) {
      if (c < nextChange) {
        effects.add(new SimulationReport.ChangeEffect(changes.get(c), considered[c], moved[c]));
      }
    }
    return new SimulationReport.Result(scheduler.name(), n, n - served, picks, cost, maxOpen,
        response, effects, refused, wall);
  }

  /** A binary min-heap of connection end times with slot payloads, allocation-free in steady state. */
  private static final class EndHeap {
    long[] time;
    int[] heap;
    int size;
    int[] dest;
    Object[] handles;
    int[] freeSlots;
    int freeCount;

    EndHeap(int capacity) {
      time = new long[capacity];
      heap = new int[capacity];
      dest = new int[capacity];
      handles = new Object[capacity];
      freeSlots = new int[capacity];
      for (int i = 0; i < capacity; i++) {
        freeSlots[i] = capacity - 1 - i;
      }
      freeCount = capacity;
    }

    long minTime() {
      return time[heap[0]];
    }

    int dest(int slot) {
      return dest[slot];
    }

    Object handle(int slot) {
      return handles[slot];
    }

    void free(int slot) {
      handles[slot] = null;
      freeSlots[freeCount++] = slot;
    }

    void push(long t, int d, Object handle) {
      if (freeCount == 0) {
        grow();
      }
      int slot = freeSlots[--freeCount];
      time[slot] = t;
      dest[slot] = d;
      handles[slot] = handle;
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (time[heap[parent]] <= t) {
          break;
        }
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = slot;
    }

    int pop() {
      int top = heap[0];
      int lastSlot = heap[--size];
      long t = time[lastSlot];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && time[heap[child + 1]] < time[heap[child]]) {
          child++;
        }
        if (time[heap[child]] >= t) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = lastSlot;
      return top;
    }

    private void grow() {
      int old = time.length;
      int cap = old * 2;
      time = Arrays.copyOf(time, cap);
      heap = Arrays.copyOf(heap, cap);
      dest = Arrays.copyOf(dest, cap);
      handles = Arrays.copyOf(handles, cap);
      freeSlots = Arrays.copyOf(freeSlots, cap);
      for (int i = old; i < cap; i++) {
        freeSlots[freeCount++] = i;
      }
    }
  }
}
