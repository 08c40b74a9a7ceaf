package dev.lbkit.scheduling;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.SchedulerFlag;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The entry point: names to schedulers. {@link #create(String, SchedulerFlag...)} checks a scheduler name, its flags
 * and options at configuration time and returns a {@link SchedulerSpec}; an {@link IpvsService} built from it runs
 * the IPVS scheduler over its destinations.
 *
 * <pre>{@code
 * IpvsService svc = IpvsService.builder(Schedulers.create("sh", SchedulerFlag.SH_PORT)).build();
 * svc.addDestination(Endpoint.parse("10.0.0.1:80"), 1, 0, 0);
 * Optional<IpvsConnection> c = svc.connect(flow);
 * }</pre>
 *
 * <p>Options are {@code key=value} words: IPVS's {@code lblc-expiration} and {@code lblcr-expiration} (the
 * {@code net.ipv4.vs.lblc_expiration} and {@code lblcr_expiration} sysctls, whole seconds, default 86400).
 *
 * <p>Stateless and thread-safe.
 */
public final class Schedulers {
  /** Option key: lblc's cache entry expiration in seconds (sysctl {@code lblc_expiration}). */
  public static final String LBLC_EXPIRATION = "lblc-expiration";
  /** Option key: lblcr's cache entry expiration in seconds (sysctl {@code lblcr_expiration}). */
  public static final String LBLCR_EXPIRATION = "lblcr-expiration";
  /**
   * Option key: a HAProxy hash algorithm's {@code hash-type} ({@code consistent djb2 avalanche}); build the engine
   * with {@link dev.lbkit.scheduling.haproxy.HaproxyBackend}.
   */
  public static final String HASH_TYPE = "hash-type";

  /** IPVS scheduler names with the option keys each accepts. */
  private static final Map<String, Set<String>> IPVS = ipvs();

  /**
   * HAProxy {@code balance} algorithm names with the option keys each accepts. The haproxy engine registers its
   * names here.
   */
  private static final Map<String, Set<String>> HAPROXY = haproxy();

  private Schedulers() {}

  private static Map<String, Set<String>> ipvs() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    for (String n : List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh")) {
      m.put(n, Set.of());
    }
    m.put("lblc", Set.of(LBLC_EXPIRATION));
    m.put("lblcr", Set.of(LBLCR_EXPIRATION));
    return m;
  }

  private static Map<String, Set<String>> haproxy() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    for (String n : List.of("roundrobin", "static-rr", "leastconn", "first", "random")) {
      m.put(n, Set.of());
    }
    for (String n : List.of("source", "uri", "url_param", "hdr", "rdp-cookie", "hash")) {
      m.put(n, Set.of(HASH_TYPE));
    }
    return m;
  }

  /** Every known scheduler name of a family, in a stable order. */
  public static Set<String> names(SchedulerFamily family) {
    return Set.copyOf((family == SchedulerFamily.IPVS ? IPVS : HAPROXY).keySet());
  }

  /**
   * Validates a scheduler name and flags.
   *
   * @param name an IPVS scheduler name ({@code wlc}) or a HAProxy algorithm ({@code roundrobin}); case-insensitive
   * @throws SchedulerConfigException for an unknown name or a flag that does not apply to it
   */
  public static SchedulerSpec create(String name, SchedulerFlag... flags) {
    requireNonNull(flags, "flags");
    return create(name, Set.of(flags), Map.of());
  }

  /**
   * Validates a scheduler name, flags and options.
   *
   * @throws SchedulerConfigException for an unknown name, a flag that does not apply, an unknown option or a bad
   *     option value
   */
  public static SchedulerSpec create(String name, Set<SchedulerFlag> flags, Map<String, String> options) {
    requireNonNull(name, "name");
    requireNonNull(flags, "flags");
    requireNonNull(options, "options");
    String n = name.trim().toLowerCase(Locale.ROOT);
    SchedulerFamily family;
    Set<String> allowed;
    if (IPVS.containsKey(n)) {
      family = SchedulerFamily.IPVS;
      allowed = IPVS.get(n);
    } else if (HAPROXY.containsKey(n)) {
      family = SchedulerFamily.HAPROXY;
      allowed = HAPROXY.get(n);
    } else {
      Set<String> known = new TreeSet<>(IPVS.keySet());
      known.addAll(HAPROXY.keySet());
      throw new SchedulerConfigException(name, "scheduler must be one of " + String.join(", ", known) + " but was '"
          + name + "'");
    }
    for (SchedulerFlag f : flags) {
      requireNonNull(f, "flag");
      if (family != SchedulerFamily.IPVS || !f.appliesTo(n)) {
        throw new SchedulerConfigException(name, "scheduler flag " + f.ipvsadmName() + " does not apply to scheduler "
            + n + (f.scheduler().isPresent() ? " (it is for " + f.scheduler().get() + ")" : ""));
      }
    }
    options.forEach((key, value) -> {
      requireNonNull(key, "option key");
      requireNonNull(value, "option value of " + key);
      if (!allowed.contains(key)) {
        throw new SchedulerConfigException(name, "option " + key + " does not apply to scheduler " + n
            + (allowed.isEmpty() ? " (it takes no options)" : " (it takes " + String.join(", ", allowed) + ")"));
      }
      checkOption(n, key, value);
    });
    return new SchedulerSpec(n, family, flags.isEmpty() ? EnumSet.noneOf(SchedulerFlag.class) : EnumSet.copyOf(flags),
        options);
  }

  /**
   * Validates a scheduler from command-line words: flag names ({@code sh-port}) and {@code key=value} options.
   *
   * @throws SchedulerConfigException as {@link #create(String, Set, Map)}, or for a word that is neither
   */
  public static SchedulerSpec parse(String name, Collection<String> words) {
    requireNonNull(words, "words");
    Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
    Map<String, String> options = new LinkedHashMap<>();
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq > 0) {
        options.put(w.substring(0, eq).trim(), w.substring(eq + 1).trim());
      } else {
        try {
          flags.add(SchedulerFlag.parse(w));
        } catch (IllegalArgumentException e) {
          throw new SchedulerConfigException(name, e.getMessage());
        }
      }
    }
    return create(name, flags, options);
  }

  private static void checkOption(String scheduler, String key, String value) {
    switch (key) {
      case LBLC_EXPIRATION:
      case LBLCR_EXPIRATION:
        parseSeconds(scheduler, key, value);
        break;
      case HASH_TYPE:
        try {
          dev.lbkit.scheduling.haproxy.HashType.parse(value);
        } catch (IllegalArgumentException e) {
          throw new SchedulerConfigException(scheduler, "option " + key + ": " + e.getMessage());
        }
        break;
      default:
        throw new SchedulerConfigException(scheduler, "option " + key + " is not known");
    }
  }

  /** Whole seconds, at least 1; an optional trailing {@code s}. */
  static long parseSeconds(String scheduler, String key, String value) {
    String v = value.endsWith("s") ? value.substring(0, value.length() - 1) : value;
    long s;
    try {
      s = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new SchedulerConfigException(scheduler, "option " + key + " must be whole seconds but was '" + value + "'");
    }
    if (s < 1 || s > Integer.MAX_VALUE / 1000) {
      throw new SchedulerConfigException(scheduler, "option " + key + " must be in [1, " + Integer.MAX_VALUE / 1000
          + "] seconds but was " + s);
    }
    return s;
  }
}
