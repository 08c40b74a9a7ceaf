package dev.lbkit.api;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A virtual service: what clients connect to, and how IPVS chooses a real server for them. Immutable.
 *
 * <p>Build one with {@link #builder(ServiceKey)}:
 * <pre>{@code
 * VirtualService web = VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80")))
 *     .scheduler("wlc")
 *     .persistence(Persistence.of(Duration.ofMinutes(5), 24))
 *     .build();
 * }</pre>
 * The rules are those of ipvsadm and the kernel: a port-0 service must be persistent; scheduler flags such as
 * {@code sh-port} only go with their scheduler; one-packet scheduling is for UDP; a persistence engine needs
 * persistence; an IPv4 persistence netmask is at most /32.
 *
 * @param key protocol, address and port, or firewall mark
 * @param scheduler the scheduler name as {@code ipvsadm -s} takes it (lower case, at most 15 characters)
 * @param schedulerFlags {@code ipvsadm -b}
 * @param persistence {@code ipvsadm -p/-M}, or empty
 * @param onePacket {@code ipvsadm -o}: schedule every UDP datagram on its own
 * @param persistenceEngine {@code ipvsadm --pe}, such as {@code sip}, or empty
 */
public record VirtualService(
    ServiceKey key,
    String scheduler,
    Set<SchedulerFlag> schedulerFlags,
    Optional<Persistence> persistence,
    boolean onePacket,
    Optional<String> persistenceEngine) {

  /** ipvsadm's default scheduler. */
  public static final String DEFAULT_SCHEDULER = "wlc";

  // IP_VS_SCHEDNAME_MAXLEN and IP_VS_PENAME_MAXLEN are 16, with the terminating NUL
  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,15}");

  public VirtualService {
    requireNonNull(key, "key");
    requireNonNull(scheduler, "scheduler");
    requireNonNull(persistence, "persistence");
    requireNonNull(persistenceEngine, "persistenceEngine");
    schedulerFlags = Set.copyOf(requireNonNull(schedulerFlags, "schedulerFlags"));
    if (!NAME.matcher(scheduler).matches()) {
      throw new IllegalArgumentException("scheduler name must be 1 to 15 of [a-z0-9_-] but was '" + scheduler
          + "' (service " + key + ")");
    }
    for (SchedulerFlag flag : schedulerFlags) {
      if (!flag.appliesTo(scheduler)) {
        throw new IllegalArgumentException("scheduler flag " + flag.ipvsadmName() + " applies only to scheduler "
            + flag.scheduler().orElseThrow() + ", not " + scheduler + " (service " + key + ")");
      }
    }
    if (key instanceof ServiceKey.Address address) {
      if (address.endpoint().port() == 0 && persistence.isEmpty()) {
        throw new IllegalArgumentException("port 0 is only allowed for a persistent service, but " + key
            + " has no persistence");
      }
      if (onePacket && address.protocol() != Protocol.UDP) {
        throw new IllegalArgumentException("one-packet scheduling is only for UDP services, but " + key + " is "
            + address.protocol());
      }
    }
    if (persistence.isPresent()) {
      int prefix = persistence.get().effectivePrefixLength(key.family());
      if (prefix > key.family().bits()) {
        throw new IllegalArgumentException("persistence prefix length must be at most " + key.family().bits()
            + " for " + key.family() + " but was " + prefix + " (service " + key + ")");
      }
    }
    if (persistenceEngine.isPresent()) {
      String pe = persistenceEngine.get();
      if (!NAME.matcher(pe).matches()) {
        throw new IllegalArgumentException("persistence engine name must be 1 to 15 of [a-z0-9_-] but was '" + pe
            + "' (service " + key + ")");
      }
      if (persistence.isEmpty()) {
        throw new IllegalArgumentException("persistence engine " + pe + " needs a persistent service, but " + key
            + " has no persistence");
      }
    }
  }

  /** A builder with ipvsadm's defaults: wlc, no flags, no persistence. */
  public static Builder builder(ServiceKey key) {
    return new Builder(key);
  }

  /** A builder holding this service's values. */
  public Builder toBuilder() {
    Builder b = new Builder(key).scheduler(scheduler).onePacket(onePacket);
    b.flags.addAll(schedulerFlags);
    b.persistence = persistence.orElse(null);
    b.persistenceEngine = persistenceEngine.orElse(null);
    return b;
  }

  /** The same service with another scheduler and no scheduler flags. */
  public VirtualService withScheduler(String newScheduler) {
    return toBuilder().scheduler(newScheduler).clearSchedulerFlags().build();
  }

  /** Collects the fields of a {@link VirtualService}; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private ServiceKey key;
    private String scheduler = DEFAULT_SCHEDULER;
    private final Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
    private Persistence persistence;
    private boolean onePacket;
    private String persistenceEngine;

    private Builder(ServiceKey key) {
      this.key = requireNonNull(key, "key");
    }

    public Builder key(ServiceKey newKey) {
      this.key = requireNonNull(newKey, "key");
      return this;
    }

    /** Sets the scheduler name; it is lower-cased with {@link Locale#ROOT}. */
    public Builder scheduler(String name) {
      this.scheduler = requireNonNull(name, "scheduler").toLowerCase(Locale.ROOT);
      return this;
    }

    public Builder schedulerFlag(SchedulerFlag flag) {
      flags.add(requireNonNull(flag, "flag"));
      return this;
    }

    public Builder clearSchedulerFlags() {
      flags.clear();
      return this;
    }

    public Builder persistence(Persistence value) {
      this.persistence = value;
      return this;
    }

    public Builder onePacket(boolean value) {
      this.onePacket = value;
      return this;
    }

    public Builder persistenceEngine(String name) {
      this.persistenceEngine = name;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule it breaks
     */
    public VirtualService build() {
      return new VirtualService(key, scheduler, flags, Optional.ofNullable(persistence), onePacket,
          Optional.ofNullable(persistenceEngine));
    }
  }
}
