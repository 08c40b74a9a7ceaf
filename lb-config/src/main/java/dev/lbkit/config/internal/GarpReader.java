package dev.lbkit.config.internal;

import dev.lbkit.config.VrrpInstanceConfig.Garp;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * keepalived's gratuitous ARP keywords: the {@code vrrp_}-prefixed defaults of {@code global_defs} and the
 * {@code vrrp_instance} ones, completed per instance as keepalived 2.2.7 does (vrrp_parser.c, global_parser.c,
 * vrrp.c vrrp_complete_instance / vrrp_complete_init): delays and the refresh in whole seconds, repeats of 0 for the
 * takeover and refresh bursts raised to 1 with a warning, the intervals in seconds to the microsecond (global only:
 * keepalived's per-interface {@code garp_group} is not implemented), the lower-priority burst defaulting to the global
 * takeover settings, and strict mode forcing it off and {@code lower_prio_no_advert} on.
 */
final class GarpReader {
  /** The instance keywords read here. */
  static final Set<String> INSTANCE = Set.of("garp_master_delay", "garp_master_repeat", "garp_master_refresh",
      "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat", "lower_prio_no_advert");
  /** The {@code global_defs} keywords read here. */
  static final Set<String> GLOBAL = Set.of("vrrp_garp_master_delay", "vrrp_garp_master_repeat",
      "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat", "vrrp_garp_lower_prio_delay",
      "vrrp_garp_lower_prio_repeat", "vrrp_lower_prio_no_advert", "vrrp_garp_interval", "vrrp_gna_interval");

  /** keepalived reads delays as whole seconds up to UINT_MAX microseconds. */
  private static final long MAX_DELAY_SECONDS = 4294;
  /** lbkit's limits: a day between refreshes (keepalived's garp_extra_if limit), 100 messages per burst. */
  private static final long MAX_REFRESH_SECONDS = 86_400;
  private static final int MAX_REPEAT = 100;

  /** What one block wrote; null where it wrote nothing. */
  static final class Written {
    Integer repeat;
    Duration delay;
    Duration refresh;
    Integer refreshRepeat;
    Integer lowerPrioRepeat;
    Duration lowerPrioDelay;
    Boolean lowerPrioNoAdvert;
    Duration garpInterval;
    Duration gnaInterval;
    Node lowerPrioAt;
  }

  private final Values values;
  private final Written global = new Written();

  GarpReader(Values values) {
    this.values = values;
  }

  /** Reads a {@code global_defs} keyword of {@link #GLOBAL}. */
  void readGlobal(Node n) {
    read(n, n.name().substring("vrrp_".length()), global);
  }

  /** Reads a {@code vrrp_instance} keyword of {@link #INSTANCE} into what the instance wrote. */
  void readInstance(Node n, Written instance) {
    read(n, n.name(), instance);
  }

  private void read(Node n, String key, Written w) {
    switch (key) {
      case "garp_master_delay" -> w.delay = seconds(n, MAX_DELAY_SECONDS).orElse(w.delay);
      case "garp_master_repeat" -> w.repeat = atLeastOne(n).orElse(w.repeat);
      case "garp_master_refresh" -> w.refresh = seconds(n, MAX_REFRESH_SECONDS).orElse(w.refresh);
      case "garp_master_refresh_repeat" -> w.refreshRepeat = atLeastOne(n).orElse(w.refreshRepeat);
      case "garp_lower_prio_delay" -> {
        w.lowerPrioDelay = seconds(n, MAX_DELAY_SECONDS).orElse(w.lowerPrioDelay);
        w.lowerPrioAt = n;
      }
      case "garp_lower_prio_repeat" -> {
        OptionalInt v = values.integer(n, 0, MAX_REPEAT);
        if (v.isPresent()) {
          w.lowerPrioRepeat = v.getAsInt();
          w.lowerPrioAt = n;
        }
      }
      case "lower_prio_no_advert" -> w.lowerPrioNoAdvert = values.flag(n).orElse(w.lowerPrioNoAdvert);
      case "garp_interval" -> w.garpInterval = interval(n).orElse(w.garpInterval);
      case "gna_interval" -> w.gnaInterval = interval(n).orElse(w.gnaInterval);
      default -> throw new AssertionError(n.name());
    }
  }

  private Optional<Duration> seconds(Node n, long max) {
    OptionalInt v = values.integer(n, 0, max);
    return v.isPresent() ? Optional.of(Duration.ofSeconds(v.getAsInt())) : Optional.empty();
  }

  private Optional<Integer> atLeastOne(Node n) {
    OptionalInt v = values.integer(n, 0, MAX_REPEAT);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.getAsInt() == 0) {
      values.problems().warning(n.location(), n.name() + " must be greater than 0; 1 is used, as keepalived does");
      return Optional.of(1);
    }
    return Optional.of(v.getAsInt());
  }

  private Optional<Duration> interval(Node n) {
    return values.timer(n, Duration.ofNanos(1_000), Duration.ofDays(1));
  }

  /** The settings of an instance that wrote {@code w}, in or out of strict mode. */
  Garp complete(Written w, boolean strict, Node block, String label) {
    int repeat = first(w.repeat, global.repeat, Garp.DEFAULTS.masterRepeat());
    Duration delay = first(w.delay, global.delay, Garp.DEFAULTS.masterDelay());
    Duration refresh = first(w.refresh, global.refresh, Garp.DEFAULTS.masterRefresh());
    int refreshRepeat = first(w.refreshRepeat, global.refreshRepeat, Garp.DEFAULTS.masterRefreshRepeat());
    int lowerRepeat;
    Duration lowerDelay;
    boolean noAdvert;
    if (strict) {
      boolean wroteSome = w.lowerPrioRepeat != null && w.lowerPrioRepeat > 0
          || w.lowerPrioDelay != null && !w.lowerPrioDelay.isZero();
      if (wroteSome) {
        values.problems().warning(w.lowerPrioAt.location(), label + ": strict mode allows no repeated gratuitous ARPs; "
            + "garp_lower_prio_repeat and garp_lower_prio_delay are 0, as keepalived resets them");
      }
      if (Boolean.FALSE.equals(w.lowerPrioNoAdvert)) {
        values.problems().warning(block.location(), label + ": strict mode requires lower_prio_no_advert; it is on, "
            + "as keepalived sets it");
      }
      lowerRepeat = 0;
      lowerDelay = Duration.ZERO;
      noAdvert = true;
    } else {
      lowerRepeat = first(w.lowerPrioRepeat, global.lowerPrioRepeat, first(global.repeat, null,
          Garp.DEFAULTS.lowerPrioRepeat()));
      lowerDelay = first(w.lowerPrioDelay, global.lowerPrioDelay, first(global.delay, null,
          Garp.DEFAULTS.lowerPrioDelay()));
      noAdvert = first(w.lowerPrioNoAdvert, global.lowerPrioNoAdvert, Garp.DEFAULTS.lowerPrioNoAdvert());
    }
    return new Garp(repeat, delay, refresh, refreshRepeat, lowerRepeat, lowerDelay,
        first(global.garpInterval, null, Duration.ZERO), first(global.gnaInterval, null, Duration.ZERO), noAdvert);
  }

  private static <T> T first(T instance, T global, T fallback) {
    return instance != null ? instance : global != null ? global : fallback;
  }
}
