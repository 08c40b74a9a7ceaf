package dev.lbkit.scheduling;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.SchedulerFlag;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A validated scheduler choice: its name, family, flags and options. Immutable. Obtain one from
 * {@link Schedulers#create(String, SchedulerFlag...)}; every check has already happened, so building an engine from
 * it cannot fail for configuration reasons.
 */
public final class SchedulerSpec {
  private final String name;
  private final SchedulerFamily family;
  private final Set<SchedulerFlag> flags;
  private final Map<String, String> options;

  SchedulerSpec(String name, SchedulerFamily family, Set<SchedulerFlag> flags, Map<String, String> options) {
    this.name = requireNonNull(name, "name");
    this.family = requireNonNull(family, "family");
    EnumSet<SchedulerFlag> f = EnumSet.noneOf(SchedulerFlag.class);
    f.addAll(flags);
    this.flags = Collections.unmodifiableSet(f);
    this.options = Collections.unmodifiableMap(new TreeMap<>(options));
  }

  /** The scheduler name, lower case: {@code wlc}, {@code roundrobin}. */
  public String name() {
    return name;
  }

  /** IPVS or HAProxy. */
  public SchedulerFamily family() {
    return family;
  }

  /** The scheduler flags ({@code ipvsadm -b}), each one applying to this scheduler. */
  public Set<SchedulerFlag> flags() {
    return flags;
  }

  /** Whether a flag was given; {@code sh-port} and {@code flag-2} are the same kernel bit and test alike. */
  public boolean hasFlagBit(int kernelBit) {
    for (SchedulerFlag f : flags) {
      if (f.kernelBit() == kernelBit) {
        return true;
      }
    }
    return false;
  }

  /** The {@code IP_VS_SVC_F_SCHED*} bits of the flags. */
  public int flagBits() {
    int bits = 0;
    for (SchedulerFlag f : flags) {
      bits |= f.kernelBit();
    }
    return bits;
  }

  /** The options by key (already validated), such as {@code lblc-expiration=300}. */
  public Map<String, String> options() {
    return options;
  }

  /** One option's value. */
  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SchedulerSpec s && s.name.equals(name) && s.family == family && s.flags.equals(flags)
        && s.options.equals(options);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + flags.hashCode() * 17 + options.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(name);
    for (SchedulerFlag f : flags) {
      b.append(' ').append(f.ipvsadmName());
    }
    options.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    return b.toString();
  }
}
