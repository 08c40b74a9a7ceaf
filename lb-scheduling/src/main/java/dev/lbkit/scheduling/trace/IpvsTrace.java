package dev.lbkit.scheduling.trace;

import static dev.lbkit.scheduling.trace.Fields.integer;
import static dev.lbkit.scheduling.trace.Fields.intIn;
import static dev.lbkit.scheduling.trace.Fields.list;
import static dev.lbkit.scheduling.trace.Fields.object;
import static dev.lbkit.scheduling.trace.Fields.string;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.scheduling.IpvsConnection;
import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsService;
import dev.lbkit.scheduling.SchedulerConfigException;
import dev.lbkit.scheduling.SchedulerSpec;
import dev.lbkit.scheduling.Schedulers;
import dev.lbkit.scheduling.ipvs.TwosScheduler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One IPVS trace record, parsed and checked, and its replay over an {@link IpvsService}: the service is created
 * empty, each {@code dests} entry is added in order, then the events run one by one (conn, inact, act, close/expire,
 * weight, thresh, add, remove, overload, tick). A control event the kernel would refuse (an edit of a destination
 * not in the service, a duplicate add) changes nothing, as the kernel's error return does. For {@code twos}, each
 * conn event's {@code rand} words feed {@code get_random_u32()}. Immutable; each {@link #replay()} starts afresh.
 */
public final class IpvsTrace {
  private final String name;
  private final SchedulerSpec spec;
  private final List<Map<String, Object>> dests;
  private final List<Map<String, Object>> events;

  private IpvsTrace(String name, SchedulerSpec spec, List<Map<String, Object>> dests,
      List<Map<String, Object>> events) {
    this.name = name;
    this.spec = spec;
    this.dests = dests;
    this.events = events;
  }

  /** The record's name. */
  public String name() {
    return name;
  }

  /** The scheduler with its flags and sysctl options. */
  public SchedulerSpec spec() {
    return spec;
  }

  /**
   * Parses and checks a record.
   *
   * @throws TraceRecordException naming the field that is missing or wrong, or the unknown scheduler
   */
  public static IpvsTrace parse(Map<String, Object> record) throws TraceRecordException {
    String name = string(record, "name", "");
    String scheduler = string(record, "scheduler", "");
    Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
    if (record.containsKey("flags")) {
      for (Object f : list(record, "flags", "")) {
        if (!(f instanceof String s)) {
          throw new TraceRecordException("flags: expected strings but found " + Fields.describe(f));
        }
        try {
          flags.add(SchedulerFlag.parse(s));
        } catch (IllegalArgumentException e) {
          throw new TraceRecordException("flags: " + e.getMessage(), e);
        }
      }
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (record.containsKey("sysctl")) {
      Map<String, Object> sysctl = object(record.get("sysctl"), "sysctl");
      for (Map.Entry<String, Object> e : sysctl.entrySet()) {
        long seconds = integer(e.getValue(), "sysctl." + e.getKey());
        switch (e.getKey()) {
          case "lblc_expiration_s":
            options.put(Schedulers.LBLC_EXPIRATION, Long.toString(seconds));
            break;
          case "lblcr_expiration_s":
            options.put(Schedulers.LBLCR_EXPIRATION, Long.toString(seconds));
            break;
          default:
            throw new TraceRecordException("sysctl." + e.getKey() + ": unknown sysctl");
        }
      }
    }
    SchedulerSpec spec;
    try {
      spec = Schedulers.create(scheduler, flags, options);
    } catch (SchedulerConfigException e) {
      throw new TraceRecordException("unknown scheduler or bad flags: " + e.getMessage(), e);
    }
    if (spec.family() != dev.lbkit.scheduling.SchedulerFamily.IPVS) {
      throw new TraceRecordException("scheduler '" + scheduler + "' is not an IPVS scheduler");
    }
    List<Map<String, Object>> dests = new ArrayList<>();
    List<Object> rawDests = list(record, "dests", "");
    for (int i = 0; i < rawDests.size(); i++) {
      String path = "dests[" + i + "].";
      Map<String, Object> d = object(rawDests.get(i), "dests[" + i + "]");
      string(d, "addr", path);
      intIn(d, "port", path, 0, 65535);
      intIn(d, "weight", path, Integer.MIN_VALUE, Integer.MAX_VALUE);
      dests.add(d);
    }
    List<Map<String, Object>> events = new ArrayList<>();
    List<Object> rawEvents = list(record, "events", "");
    for (int i = 0; i < rawEvents.size(); i++) {
      Map<String, Object> e = object(rawEvents.get(i), "events[" + i + "]");
      checkEvent(e, "events[" + i + "].", spec);
      events.add(e);
    }
    return new IpvsTrace(name, spec, dests, events);
  }

  private static void checkEvent(Map<String, Object> e, String path, SchedulerSpec spec)
      throws TraceRecordException {
    String op = string(e, "op", path);
    switch (op) {
      case "conn":
        integer(e, "id", path);
        string(e, "src", path);
        string(e, "dst", path);
        intIn(e, "sport", path, 0, 65535);
        intIn(e, "dport", path, 0, 65535);
        if (spec.name().equals(TwosScheduler.NAME)) {
          for (Object w : list(e, "rand", path)) {
            integer(w, path + "rand[]");
          }
        }
        break;
      case "inact":
      case "act":
      case "close":
      case "expire":
        integer(e, "id", path);
        break;
      case "weight":
        string(e, "dest", path);
        integer(e, "weight", path);
        break;
      case "thresh":
        string(e, "dest", path);
        integer(e, "u_threshold", path);
        integer(e, "l_threshold", path);
        break;
      case "add":
        string(e, "dest", path);
        integer(e, "weight", path);
        break;
      case "remove":
        string(e, "dest", path);
        break;
      case "overload":
        string(e, "dest", path);
        Fields.bool(e, "on", path);
        break;
      case "tick":
        if (integer(e, "ms", path) < 0) {
          throw new TraceRecordException(path + "ms: must not be negative");
        }
        break;
      default:
        throw new TraceRecordException(path + "op: unknown event '" + op + "'");
    }
  }

  /** A twos draw as the trace records it. */
  public record Draw(long r1, long r2, int wordsUsed) {}

  /**
   * The outcome of a replay: the picks (one per conn event) and, for twos, the draws; the service is left in its
   * final state for inspection.
   */
  public record Run(IpvsService service, List<String> picks, List<Draw> draws) {}

  /**
   * Runs the record from the start.
   *
   * @throws TraceRecordException if a value is out of range (a bad address, twos running out of random words)
   */
  public Run replay() throws TraceRecordException {
    WordSource words = new WordSource();
    IpvsService svc = IpvsService.builder(spec).random(words).build();
    for (int i = 0; i < dests.size(); i++) {
      Map<String, Object> d = dests.get(i);
      Endpoint ep = endpoint(string(d, "addr", ""), (int) integer(d, "port", ""), "dests[" + i + "]");
      control(() -> svc.addDestination(ep, (int) integer(d, "weight", ""), threshold(d, "u_threshold"),
          threshold(d, "l_threshold")));
    }
    List<String> picks = new ArrayList<>();
    List<Draw> draws = new ArrayList<>();
    Map<Long, IpvsConnection> conns = new HashMap<>();
    TwosScheduler twos = svc.scheduler() instanceof TwosScheduler t ? t : null;
    for (int i = 0; i < events.size(); i++) {
      Map<String, Object> e = events.get(i);
      String path = "events[" + i + "]";
      switch ((String) e.get("op")) {
        case "conn": {
          Flow flow = new Flow(Protocol.TCP, address(string(e, "src", ""), path + ".src"),
              (int) integer(e, "sport", ""), address(string(e, "dst", ""), path + ".dst"),
              (int) integer(e, "dport", ""), 0);
          if (twos != null) {
            words.load(list(e, "rand", ""));
          }
          Optional<IpvsConnection> c;
          try {
            c = svc.connect(flow);
          } catch (WordSource.Exhausted x) {
            throw new TraceRecordException(path + ": twos needed more random words than 'rand' gives", x);
          }
          picks.add(c.map(x -> x.destination().name()).orElse(null));
          conns.put(integer(e, "id", ""), c.orElse(null));
          if (twos != null) {
            draws.add(twos.lastR1() < 0 ? null : new Draw(twos.lastR1(), twos.lastR2(), twos.lastWordsUsed()));
          }
          break;
        }
        case "inact": {
          IpvsConnection c = conns.get(integer(e, "id", ""));
          if (c != null) {
            c.deactivate();
          }
          break;
        }
        case "act": {
          IpvsConnection c = conns.get(integer(e, "id", ""));
          if (c != null) {
            c.activate();
          }
          break;
        }
        case "close":
        case "expire": {
          IpvsConnection c = conns.get(integer(e, "id", ""));
          if (c != null) {
            c.close();
          }
          break;
        }
        case "weight": {
          Endpoint ep = Endpoint.parse(string(e, "dest", ""));
          control(() -> svc.setWeight(ep, (int) integer(e, "weight", "")));
          break;
        }
        case "thresh": {
          Endpoint ep = Endpoint.parse(string(e, "dest", ""));
          control(() -> svc.setThresholds(ep, (int) integer(e, "u_threshold", ""),
              (int) integer(e, "l_threshold", "")));
          break;
        }
        case "add": {
          Endpoint ep = Endpoint.parse(string(e, "dest", ""));
          control(() -> svc.addDestination(ep, (int) integer(e, "weight", ""), threshold(e, "u_threshold"),
              threshold(e, "l_threshold")));
          break;
        }
        case "remove": {
          Endpoint ep = Endpoint.parse(string(e, "dest", ""));
          control(() -> svc.removeDestination(ep));
          break;
        }
        case "overload": {
          Endpoint ep = Endpoint.parse(string(e, "dest", ""));
          control(() -> svc.setOverloaded(ep, Fields.bool(e, "on", "")));
          break;
        }
        case "tick":
          svc.advanceTime(Duration.ofMillis(integer(e, "ms", "")));
          break;
        default:
          throw new TraceRecordException(path + ".op: unknown event");
      }
    }
    return new Run(svc, picks, draws);
  }

  private static int threshold(Map<String, Object> m, String key) throws TraceRecordException {
    return m.containsKey(key) ? (int) integer(m, key, "") : 0;
  }

  @FunctionalInterface
  private interface Control {
    void run() throws TraceRecordException;
  }

  /** A control operation the kernel would refuse changes nothing. */
  private static void control(Control c) throws TraceRecordException {
    try {
      c.run();
    } catch (IllegalArgumentException refused) {
      // the kernel returns an error (ENOENT, EEXIST, ERANGE) and leaves the service as it was; so do we
    }
  }

  private static Endpoint endpoint(String addr, int port, String where) throws TraceRecordException {
    return new Endpoint(address(addr, where), port);
  }

  private static InetAddress address(String text, String where) throws TraceRecordException {
    try {
      return Endpoint.parseAddress(text);
    } catch (IllegalArgumentException e) {
      throw new TraceRecordException(where + ": " + e.getMessage(), e);
    }
  }

  /** {@code get_random_u32()} words from the trace, one conn event at a time. */
  private static final class WordSource implements RandomGenerator {
    static final class Exhausted extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super("no random words left");
      }
    }

    private long[] words = new long[0];
    private int next;

    void load(List<Object> raw) throws TraceRecordException {
      words = new long[raw.size()];
      for (int i = 0; i < words.length; i++) {
        words[i] = integer(raw.get(i), "rand[" + i + "]");
      }
      next = 0;
    }

    @Override
    public int nextInt() {
      if (next >= words.length) {
        throw new Exhausted();
      }
      return (int) words[next++];
    }

    @Override
    public long nextLong() {
      return ((long) nextInt() << 32) | (nextInt() & 0xffffffffL);
    }
  }
}
