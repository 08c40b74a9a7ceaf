package dev.lbkit.vrrp;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Beta;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration of one VRRP instance (keepalived's {@code vrrp_instance}). Immutable; build with
 * {@link #builder(String)}:
 *
 * <pre>{@code
 * VrrpConfig config = VrrpConfig.builder("VI_51")
 *     .interfaceName("eth0").vrid(51).priority(150)
 *     .virtualAddress("10.99.0.100/24")
 *     .version(3).advertInterval(Duration.ofMillis(100))
 *     .build();
 * }</pre>
 */
@Beta
public final class VrrpConfig {
  private final String name;
  private final String interfaceName;
  private final int vrid;
  private final int priority;
  private final List<VirtualAddress> virtualAddresses;
  private final int version;
  private final Duration advertInterval;
  private final Optional<String> authPassword;
  private final AuthType authType;
  private final boolean preempt;
  private final Duration preemptDelay;
  private final boolean acceptMode;
  private final List<InetAddress> unicastPeers;
  private final int garpRepeat;
  private final Duration garpDelay;
  private final Duration garpRefresh;
  private final int garpRefreshRepeat;
  private final int garpLowerPrioRepeat;
  private final Duration garpLowerPrioDelay;
  private final Duration garpInterval;
  private final Duration gnaInterval;
  private final boolean lowerPrioNoAdvert;
  private final Map<String, Integer> trackWeights;
  private final boolean ownerStartsAsMaster;

  private VrrpConfig(Builder b) {
    this.name = b.name;
    this.interfaceName = b.interfaceName;
    this.vrid = b.vrid;
    this.priority = b.priority;
    this.virtualAddresses = List.copyOf(b.virtualAddresses);
    this.version = b.version;
    this.advertInterval = b.advertInterval;
    this.authPassword = Optional.ofNullable(b.authPassword);
    this.authType = b.authType != null ? b.authType : b.authPassword != null ? AuthType.PASS : AuthType.NONE;
    this.preempt = b.preempt;
    this.preemptDelay = b.preemptDelay;
    this.acceptMode = b.acceptMode;
    this.unicastPeers = List.copyOf(b.unicastPeers);
    this.garpRepeat = b.garpRepeat;
    this.garpDelay = b.garpDelay;
    this.garpRefresh = b.garpRefresh;
    this.garpRefreshRepeat = b.garpRefreshRepeat;
    this.garpLowerPrioRepeat = b.garpLowerPrioRepeat != null ? b.garpLowerPrioRepeat : b.garpRepeat;
    this.garpLowerPrioDelay = b.garpLowerPrioDelay != null ? b.garpLowerPrioDelay : b.garpDelay;
    this.garpInterval = b.garpInterval;
    this.gnaInterval = b.gnaInterval;
    this.lowerPrioNoAdvert = b.lowerPrioNoAdvert;
    this.trackWeights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.trackWeights));
    this.ownerStartsAsMaster = b.ownerStartsAsMaster;
  }

  /** The longest of the gratuitous ARP delays, refresh and intervals: a day (keepalived's limit on garp_extra_if). */
  static final Duration MAX_GARP_TIME = Duration.ofDays(1);

  /** A builder for the instance called {@code name} (used in logs and events). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Equal when every setting is equal (a reload keeps an instance whose configuration is equal). */
  @Override
  public boolean equals(Object o) {
    return o instanceof VrrpConfig c && name.equals(c.name) && interfaceName.equals(c.interfaceName)
        && vrid == c.vrid && priority == c.priority && virtualAddresses.equals(c.virtualAddresses)
        && version == c.version && advertInterval.equals(c.advertInterval) && authPassword.equals(c.authPassword)
        && authType == c.authType
        && preempt == c.preempt && preemptDelay.equals(c.preemptDelay) && acceptMode == c.acceptMode
        && unicastPeers.equals(c.unicastPeers) && garpRepeat == c.garpRepeat && garpDelay.equals(c.garpDelay)
        && garpRefresh.equals(c.garpRefresh) && garpRefreshRepeat == c.garpRefreshRepeat
        && garpLowerPrioRepeat == c.garpLowerPrioRepeat && garpLowerPrioDelay.equals(c.garpLowerPrioDelay)
        && garpInterval.equals(c.garpInterval) && gnaInterval.equals(c.gnaInterval)
        && lowerPrioNoAdvert == c.lowerPrioNoAdvert
        && trackWeights.equals(c.trackWeights) && ownerStartsAsMaster == c.ownerStartsAsMaster;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, interfaceName, vrid, priority, virtualAddresses, version, advertInterval,
        preempt, unicastPeers);
  }

  public String name() {
    return name;
  }

  public String interfaceName() {
    return interfaceName;
  }

  public int vrid() {
    return vrid;
  }

  /** Configured priority: 1..254, or 255 for the address owner. */
  public int priority() {
    return priority;
  }

  public List<VirtualAddress> virtualAddresses() {
    return virtualAddresses;
  }

  /** IPv4 or IPv6, from the virtual addresses. */
  public AddressFamily family() {
    return virtualAddresses.get(0).family();
  }

  /** 2 (RFC 3768) or 3 (RFC 5798). */
  public int version() {
    return version;
  }

  public Duration advertInterval() {
    return advertInterval;
  }

  /** The VRRPv2 password (keepalived {@code auth_pass}): the simple password, or the IPsec-AH key; if any. */
  public Optional<String> authPassword() {
    return authPassword;
  }

  /** VRRPv2 authentication (keepalived {@code auth_type}): none, simple password, or IPsec-AH. */
  public AuthType authType() {
    return authType;
  }

  /** VRRPv2 authentication types, as keepalived's {@code auth_type} names them. */
  public enum AuthType {
    /** No authentication (RFC 3768 auth type 0). */
    NONE,
    /** Simple text password in the advertisement (RFC 2338 auth type 1, keepalived {@code auth_type PASS}). */
    PASS,
    /**
     * keepalived's IPsec Authentication Header mode (RFC 2338 auth type 2, {@code auth_type AH}): an AH header
     * (IP protocol 51) with an HMAC-MD5-96 keyed with the password, a sequence number against replay, over the whole
     * IPv4 datagram. VRRPv2 over IPv4 only.
     */
    AH
  }

  public boolean preempt() {
    return preempt;
  }

  public Duration preemptDelay() {
    return preemptDelay;
  }

  /**
   * RFC 5798 accept mode: whether a Master that does not own the addresses (priority below 255) accepts packets
   * addressed to them. Off, the router's {@link dev.lbkit.vrrp.spi.TrafficFilter} drops such packets while this
   * instance is Master (ARP and neighbour discovery still answered); the owner always accepts. Default true, as
   * keepalived without {@code vrrp_strict} ({@code accept}); RFC 5798's default, and keepalived's under
   * {@code vrrp_strict}, is false ({@code no_accept}).
   */
  public boolean acceptMode() {
    return acceptMode;
  }

  /** Unicast peers; empty means multicast to 224.0.0.18 / ff02::12. */
  public List<InetAddress> unicastPeers() {
    return unicastPeers;
  }

  /**
   * Gratuitous ARPs / neighbour advertisements per address per burst on becoming Master (keepalived
   * {@code garp_master_repeat}, default 5).
   */
  public int garpRepeat() {
    return garpRepeat;
  }

  /** Delay of the second burst after becoming Master, zero for none (keepalived {@code garp_master_delay}, 5 s). */
  public Duration garpDelay() {
    return garpDelay;
  }

  /**
   * While Master, a burst of {@link #garpRefreshRepeat()} with the first advertisement at least this long after the
   * takeover or the last refresh; zero for none, the default (keepalived {@code garp_master_refresh}).
   */
  public Duration garpRefresh() {
    return garpRefresh;
  }

  /** Announcements per address of a refresh burst (keepalived {@code garp_master_refresh_repeat}, default 1). */
  public int garpRefreshRepeat() {
    return garpRefreshRepeat;
  }

  /**
   * Announcements per address when the Master hears an advertisement of lower priority, 0 for none (keepalived
   * {@code garp_lower_prio_repeat}); default {@link #garpRepeat()}.
   */
  public int garpLowerPrioRepeat() {
    return garpLowerPrioRepeat;
  }

  /**
   * Delay of a second such burst after a lower priority was heard, zero for none (keepalived
   * {@code garp_lower_prio_delay}); default {@link #garpDelay()}.
   */
  public Duration garpLowerPrioDelay() {
    return garpLowerPrioDelay;
  }

  /**
   * The least gap between two gratuitous ARPs of this (IPv4) instance, zero for none, the default (keepalived
   * {@code vrrp_garp_interval}). A rate limit, as keepalived's: an address asked for while the limit holds goes out
   * once, an interval after the previous announcement, however many its burst asked for. keepalived applies it per
   * interface across instances, lbkit per instance.
   */
  public Duration garpInterval() {
    return garpInterval;
  }

  /** As {@link #garpInterval()}, for the unsolicited neighbour advertisements of an IPv6 instance. */
  public Duration gnaInterval() {
    return gnaInterval;
  }

  /**
   * Whether a Master that hears a lower priority only discards the advertisement, as RFC 5798 6.4.3 says (keepalived
   * {@code lower_prio_no_advert}); default false: it answers at once with an advertisement of its own, as keepalived
   * does outside strict mode.
   */
  public boolean lowerPrioNoAdvert() {
    return lowerPrioNoAdvert;
  }

  /**
   * Tracked objects by name with their weight: 0 forces Fault while the object is down, a negative weight is added
   * to the priority while it is down, a positive one while it is up (keepalived's semantics).
   */
  public Map<String, Integer> trackWeights() {
    return trackWeights;
  }

  /** Whether a Master of this instance must drop traffic to its addresses: accept mode off and not the owner. */
  boolean filtersTraffic() {
    return !acceptMode && priority != 255;
  }

  /**
   * Whether an address owner (priority 255) becomes Master at once on startup, as RFC 5798 6.4.1 says (true, the
   * default), or starts as Backup and waits Master_Down_Interval like any other (false: keepalived's
   * {@code state BACKUP} on an owner). Instances below 255 always start as Backup.
   */
  public boolean ownerStartsAsMaster() {
    return ownerStartsAsMaster;
  }

  /**
   * The 8 bytes of VRRPv2 authentication data in the advertisement: the password padded with zeros for PASS, all
   * zeros otherwise (keepalived's AH mode leaves them zero too).
   */
  byte[] authData() {
    return authType == AuthType.PASS ? passwordBytes() : new byte[8];
  }

  /** The password padded with zeros to 8 bytes: the PASS data, or the IPsec-AH key. */
  byte[] passwordBytes() {
    byte[] data = new byte[8];
    authPassword.ifPresent(p -> {
      byte[] raw = p.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(raw, 0, data, 0, raw.length);
    });
    return data;
  }

  @Override
  public String toString() {
    return "VrrpConfig{" + name + " " + interfaceName + " vrid " + vrid + " prio " + priority + " v" + version + " "
        + advertInterval.toMillis() + "ms " + virtualAddresses + (preempt ? "" : " nopreempt")
        + (acceptMode ? "" : " no_accept") + (authType == AuthType.NONE ? "" : " auth " + authType) + "}";
  }

  /** Builds a {@link VrrpConfig}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String interfaceName;
    private int vrid;
    private int priority = 100;
    private final List<VirtualAddress> virtualAddresses = new ArrayList<>();
    private int version = 2;
    private Duration advertInterval = Duration.ofSeconds(1);
    private String authPassword;
    private AuthType authType;
    private boolean preempt = true;
    private Duration preemptDelay = Duration.ZERO;
    private boolean acceptMode = true;
    private final List<InetAddress> unicastPeers = new ArrayList<>();
    private int garpRepeat = 5;
    private Duration garpDelay = Duration.ofSeconds(5);
    private Duration garpRefresh = Duration.ZERO;
    private int garpRefreshRepeat = 1;
    private Integer garpLowerPrioRepeat;
    private Duration garpLowerPrioDelay;
    private Duration garpInterval = Duration.ZERO;
    private Duration gnaInterval = Duration.ZERO;
    private boolean lowerPrioNoAdvert;
    private final Map<String, Integer> trackWeights = new LinkedHashMap<>();
    private boolean ownerStartsAsMaster = true;

    private Builder(String name) {
      this.name = requireNonNull(name, "name");
    }

    public Builder interfaceName(String value) {
      this.interfaceName = requireNonNull(value, "interfaceName");
      return this;
    }

    public Builder vrid(int value) {
      this.vrid = value;
      return this;
    }

    /** 1..254, or 255 when this router owns the virtual addresses. Default 100. */
    public Builder priority(int value) {
      this.priority = value;
      return this;
    }

    public Builder virtualAddress(VirtualAddress value) {
      virtualAddresses.add(requireNonNull(value, "virtualAddress"));
      return this;
    }

    /** {@code 10.0.0.100/24} or {@code 2001:db8::100/64}. */
    public Builder virtualAddress(String value) {
      return virtualAddress(VirtualAddress.parse(value));
    }

    /** 2 or 3. Default 2, like keepalived. */
    public Builder version(int value) {
      this.version = value;
      return this;
    }

    /** v2: whole seconds 1..255; v3: centiseconds, 0.01..40.95 s. Default 1 s. */
    public Builder advertInterval(Duration value) {
      this.advertInterval = requireNonNull(value, "advertInterval");
      return this;
    }

    /** VRRPv2 password, 1 to 8 bytes: the simple password (PASS, the default with a password) or the AH key. */
    public Builder authPassword(String value) {
      this.authPassword = requireNonNull(value, "authPassword");
      return this;
    }

    /**
     * VRRPv2 authentication type; default {@link AuthType#PASS} when a password is set, else {@link AuthType#NONE}.
     * PASS and AH need a password.
     */
    public Builder authType(AuthType value) {
      this.authType = requireNonNull(value, "authType");
      return this;
    }

    /** Default true. */
    public Builder preempt(boolean value) {
      this.preempt = value;
      return this;
    }

    /** No preemption for this long after start (keepalived preempt_delay). Default 0. */
    public Builder preemptDelay(Duration value) {
      this.preemptDelay = requireNonNull(value, "preemptDelay");
      return this;
    }

    /**
     * RFC 5798 Accept_Mode (keepalived {@code accept} / {@code no_accept}); default true, see
     * {@link VrrpConfig#acceptMode()}.
     */
    public Builder acceptMode(boolean value) {
      this.acceptMode = value;
      return this;
    }

    public Builder unicastPeer(InetAddress value) {
      unicastPeers.add(requireNonNull(value, "unicastPeer"));
      return this;
    }

    /** See {@link VrrpConfig#garpRepeat()}; 0 to 100, default 5. */
    public Builder garpRepeat(int value) {
      this.garpRepeat = value;
      return this;
    }

    /** See {@link VrrpConfig#garpDelay()}; default 5 s. */
    public Builder garpDelay(Duration value) {
      this.garpDelay = requireNonNull(value, "garpDelay");
      return this;
    }

    /** See {@link VrrpConfig#garpRefresh()}; at most a day, default zero (none). */
    public Builder garpRefresh(Duration value) {
      this.garpRefresh = requireNonNull(value, "garpRefresh");
      return this;
    }

    /** See {@link VrrpConfig#garpRefreshRepeat()}; 1 to 100, default 1. */
    public Builder garpRefreshRepeat(int value) {
      this.garpRefreshRepeat = value;
      return this;
    }

    /** See {@link VrrpConfig#garpLowerPrioRepeat()}; 0 to 100, default the {@link #garpRepeat}. */
    public Builder garpLowerPrioRepeat(int value) {
      this.garpLowerPrioRepeat = value;
      return this;
    }

    /** See {@link VrrpConfig#garpLowerPrioDelay()}; at most a day, default the {@link #garpDelay}. */
    public Builder garpLowerPrioDelay(Duration value) {
      this.garpLowerPrioDelay = requireNonNull(value, "garpLowerPrioDelay");
      return this;
    }

    /** See {@link VrrpConfig#garpInterval()}; at most a day, default zero. */
    public Builder garpInterval(Duration value) {
      this.garpInterval = requireNonNull(value, "garpInterval");
      return this;
    }

    /** See {@link VrrpConfig#gnaInterval()}; at most a day, default zero. */
    public Builder gnaInterval(Duration value) {
      this.gnaInterval = requireNonNull(value, "gnaInterval");
      return this;
    }

    /** See {@link VrrpConfig#lowerPrioNoAdvert()}; default false. */
    public Builder lowerPrioNoAdvert(boolean value) {
      this.lowerPrioNoAdvert = value;
      return this;
    }

    /** See {@link VrrpConfig#ownerStartsAsMaster()}; default true. */
    public Builder ownerStartsAsMaster(boolean value) {
      this.ownerStartsAsMaster = value;
      return this;
    }

    /** Tracks the named object (see {@link VrrpConfig#trackWeights()}); weight in [-254, 254]. */
    public Builder track(String objectName, int weight) {
      requireNonNull(objectName, "objectName");
      if (weight < -254 || weight > 254) {
        throw new IllegalArgumentException("track weight must be in [-254, 254] but was " + weight + " (tracked "
            + objectName + " in instance " + name + ")");
      }
      trackWeights.put(objectName, weight);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the field, value and rule that failed
     */
    public VrrpConfig build() {
      String in = " (instance " + name + ")";
      check(interfaceName != null && !interfaceName.isEmpty(), "interface name must be set" + in);
      check(vrid >= 1 && vrid <= 255, "vrid must be in [1, 255] but was " + vrid + in);
      check(priority >= 1 && priority <= 255, "priority must be in [1, 255] but was " + priority + in);
      check(version == 2 || version == 3, "version must be 2 or 3 but was " + version + in);
      check(!virtualAddresses.isEmpty(), "at least one virtual address is required" + in);
      AddressFamily family = virtualAddresses.get(0).family();
      for (VirtualAddress v : virtualAddresses) {
        check(v.family() == family, "virtual addresses must all be " + family + " but " + v + " is not" + in);
      }
      check(virtualAddresses.size() <= 255, "at most 255 virtual addresses but got " + virtualAddresses.size() + in);
      long nanos = advertInterval.toNanos();
      if (version == 2) {
        check(family == AddressFamily.IPV4, "VRRPv2 is IPv4 only but the virtual addresses are IPv6" + in);
        check(nanos % 1_000_000_000L == 0 && nanos >= 1_000_000_000L && nanos <= 255_000_000_000L,
            "VRRPv2 advertisement interval must be whole seconds in [1, 255] but was " + advertInterval + in);
      } else {
        check(nanos % 10_000_000L == 0 && nanos >= 10_000_000L && nanos <= 40_950_000_000L,
            "VRRPv3 advertisement interval must be whole centiseconds in [0.01 s, 40.95 s] but was "
                + advertInterval + in);
        check(authPassword == null && (authType == null || authType == AuthType.NONE),
            "VRRPv3 has no authentication but auth type " + (authType == null ? AuthType.PASS : authType)
                + " was set (keepalived ignores it; use version 2 for PASS or AH)" + in);
      }
      if (authType == AuthType.PASS || authType == AuthType.AH) {
        check(authPassword != null, "auth type " + authType + " needs an auth password" + in);
      }
      check(authType != AuthType.NONE || authPassword == null, "an auth password was set with auth type NONE" + in);
      if (authPassword != null) {
        int len = authPassword.getBytes(StandardCharsets.UTF_8).length;
        check(len >= 1 && len <= 8, "auth password must be 1 to 8 bytes but was " + len + " bytes" + in);
      }
      check(!preemptDelay.isNegative(), "preempt delay must not be negative but was " + preemptDelay + in);
      check(garpRepeat >= 0 && garpRepeat <= 100, "garp repeat must be in [0, 100] but was " + garpRepeat + in);
      checkDelay("garp delay", garpDelay, in);
      checkDelay("garp refresh", garpRefresh, in);
      check(garpRefreshRepeat >= 1 && garpRefreshRepeat <= 100,
          "garp refresh repeat must be in [1, 100] but was " + garpRefreshRepeat + in);
      if (garpLowerPrioRepeat != null) {
        check(garpLowerPrioRepeat >= 0 && garpLowerPrioRepeat <= 100,
            "garp lower prio repeat must be in [0, 100] but was " + garpLowerPrioRepeat + in);
      }
      if (garpLowerPrioDelay != null) {
        checkDelay("garp lower prio delay", garpLowerPrioDelay, in);
      }
      checkDelay("garp interval", garpInterval, in);
      checkDelay("gna interval", gnaInterval, in);
      for (InetAddress peer : unicastPeers) {
        check(AddressFamily.of(peer) == family,
            "unicast peer " + peer.getHostAddress() + " must be " + family + " like the virtual addresses" + in);
      }
      return new VrrpConfig(this);
    }

    private static void checkDelay(String what, Duration value, String in) {
      check(!value.isNegative() && value.compareTo(MAX_GARP_TIME) <= 0,
          what + " must be in [0 s, 1 day] but was " + value + in);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
