package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@code vrrp_instance}: one VRRP virtual router on one interface. Immutable.
 *
 * @param name the instance's name
 * @param initialState {@code state}: MASTER or BACKUP (default: MASTER for priority 255, else BACKUP). As in
 *     keepalived 2.2.7, only an address owner (priority 255) wanting MASTER starts as Master at once; any other
 *     instance starts as Backup and the election decides. MASTER clears {@code nopreempt} and {@code preempt_delay}
 *     (with a warning)
 * @param interfaceName {@code interface}
 * @param virtualRouterId {@code virtual_router_id}, 1 to 255
 * @param priority {@code priority}, 1 to 255 (default 255 with {@code state MASTER}, else 100, as keepalived)
 * @param advertInterval {@code advert_int} (default 1 s), as keepalived 2.2.7 completes it: rounded to whole seconds
 *     for VRRPv2 and to 10 ms (at most 40.95 s) for VRRPv3, with a warning
 * @param version {@code version}: VRRP 2 or 3 (default 3 with IPv6 addresses, else {@code vrrp_version} of
 *     {@code global_defs}, else 2, as keepalived). lb-config refuses what lbkit's VRRP cannot run: no virtual address,
 *     and keepalived's own VRRPv2 over IPv6 (in strict mode that becomes version 3 with a warning, as keepalived)
 * @param authentication {@code authentication}, if any (VRRPv2 only)
 * @param virtualIpAddresses {@code virtual_ipaddress}: the addresses the master holds
 * @param excludedIpAddresses {@code virtual_ipaddress_excluded}: held by the master, not advertised
 * @param preempt false with {@code nopreempt}
 * @param preemptDelay {@code preempt_delay} (default 0; cleared in strict mode, as keepalived does)
 * @param accept {@code accept} (true) or {@code no_accept} (false), the last one written; empty if neither is. See
 *     {@link #acceptMode()} for the mode in effect
 * @param strictMode {@code strict_mode} of the instance, else {@code vrrp_strict} of {@code global_defs}. As in
 *     keepalived 2.2.7 (vrrp.c vrrp_complete_instance), lb-config has already applied its other effects: the state
 *     follows the priority (MASTER only for the owner), {@code authentication} and {@code preempt_delay} are cleared,
 *     each with a warning
 * @param unicastSourceIp {@code unicast_src_ip}, if set
 * @param unicastPeers {@code unicast_peer { ... }}: advertise to these instead of multicast
 * @param trackInterfaces {@code track_interface { ... }}
 * @param trackScripts {@code track_script { ... }}, each naming a {@link VrrpScriptConfig}
 * @param notifyScripts the notify hooks
 * @param garp the gratuitous ARP / unsolicited NA settings, completed from the instance and {@code global_defs}
 * @param location where the instance is defined
 */
public record VrrpInstanceConfig(
    String name,
    InitialState initialState,
    String interfaceName,
    int virtualRouterId,
    int priority,
    Duration advertInterval,
    int version,
    Optional<Authentication> authentication,
    List<VirtualIpAddress> virtualIpAddresses,
    List<VirtualIpAddress> excludedIpAddresses,
    boolean preempt,
    Duration preemptDelay,
    Optional<Boolean> accept,
    boolean strictMode,
    Optional<InetAddress> unicastSourceIp,
    List<InetAddress> unicastPeers,
    List<TrackedInterface> trackInterfaces,
    List<TrackedScript> trackScripts,
    NotifyScripts notifyScripts,
    Garp garp,
    Location location) {

  public VrrpInstanceConfig {
    requireNonNull(name, "name");
    requireNonNull(initialState, "initialState");
    requireNonNull(interfaceName, "interfaceName");
    requireNonNull(advertInterval, "advertInterval");
    requireNonNull(authentication, "authentication");
    virtualIpAddresses = List.copyOf(virtualIpAddresses);
    excludedIpAddresses = List.copyOf(excludedIpAddresses);
    requireNonNull(preemptDelay, "preemptDelay");
    requireNonNull(accept, "accept");
    requireNonNull(unicastSourceIp, "unicastSourceIp");
    unicastPeers = List.copyOf(unicastPeers);
    trackInterfaces = List.copyOf(trackInterfaces);
    trackScripts = List.copyOf(trackScripts);
    requireNonNull(notifyScripts, "notifyScripts");
    requireNonNull(garp, "garp");
    requireNonNull(location, "location");
    if (virtualRouterId < 1 || virtualRouterId > 255) {
      throw new IllegalArgumentException("virtual_router_id must be in [1, 255] but was " + virtualRouterId);
    }
    if (priority < 1 || priority > 255) {
      throw new IllegalArgumentException("priority must be in [1, 255] but was " + priority);
    }
    if (version != 2 && version != 3) {
      throw new IllegalArgumentException("VRRP version must be 2 or 3 but was " + version);
    }
  }

  /**
   * Whether a Master of this instance accepts packets addressed to its virtual addresses (RFC 5798 Accept_Mode), as
   * keepalived 2.2.7 decides it (vrrp.c vrrp_complete_instance): {@code accept} / {@code no_accept} when written,
   * else on outside strict mode and off in strict mode; and in strict mode VRRPv2 below priority 255 never accepts
   * (RFC 3768 has no accept mode). An address owner (priority 255) always accepts, whatever this says.
   */
  public boolean acceptMode() {
    if (strictMode && version == 2 && priority != 255) {
      return false;
    }
    return accept.orElse(!strictMode);
  }

  /**
   * An instance's gratuitous ARP (IPv4) / unsolicited neighbour advertisement (IPv6) settings as keepalived 2.2.7
   * completes them (vrrp.c vrrp_complete_instance, global_data.c): the instance's keyword, else {@code global_defs}'s
   * {@code vrrp_}-prefixed one, else keepalived's default. The lower-priority ones default to the global
   * {@code vrrp_garp_master_*} (not the instance's); in strict mode they are 0 and {@code lower_prio_no_advert} is on.
   *
   * @param masterRepeat {@code garp_master_repeat}, per address per burst on becoming Master (default 5)
   * @param masterDelay {@code garp_master_delay}, the second burst after becoming Master, zero for none (5 s)
   * @param masterRefresh {@code garp_master_refresh}, a burst this often while Master, zero for none (the default)
   * @param masterRefreshRepeat {@code garp_master_refresh_repeat} (default 1)
   * @param lowerPrioRepeat {@code garp_lower_prio_repeat}, when the Master hears a lower priority, 0 for none
   * @param lowerPrioDelay {@code garp_lower_prio_delay}, a second such burst, zero for none
   * @param garpInterval {@code vrrp_garp_interval} of {@code global_defs}: least gap between gratuitous ARPs (0)
   * @param gnaInterval {@code vrrp_gna_interval}: the same for unsolicited neighbour advertisements (0)
   * @param lowerPrioNoAdvert {@code lower_prio_no_advert}: a Master does not answer a lower priority (default off)
   */
  public record Garp(int masterRepeat, Duration masterDelay, Duration masterRefresh, int masterRefreshRepeat,
      int lowerPrioRepeat, Duration lowerPrioDelay, Duration garpInterval, Duration gnaInterval,
      boolean lowerPrioNoAdvert) {
    /** keepalived's defaults outside strict mode. */
    public static final Garp DEFAULTS = new Garp(5, Duration.ofSeconds(5), Duration.ZERO, 1, 5, Duration.ofSeconds(5),
        Duration.ZERO, Duration.ZERO, false);

    public Garp {
      requireNonNull(masterDelay, "masterDelay");
      requireNonNull(masterRefresh, "masterRefresh");
      requireNonNull(lowerPrioDelay, "lowerPrioDelay");
      requireNonNull(garpInterval, "garpInterval");
      requireNonNull(gnaInterval, "gnaInterval");
    }
  }

  /** The state a {@code vrrp_instance} starts in. */
  public enum InitialState {
    MASTER,
    BACKUP
  }

  /**
   * {@code authentication { auth_type ...; auth_pass ... }}.
   *
   * @param type PASS (simple text password) or AH
   * @param password at most 8 characters, as VRRPv2 carries it
   */
  public record Authentication(AuthType type, String password) {
    /** The longest password VRRPv2 carries. */
    public static final int MAX_PASSWORD_LENGTH = 8;

    public Authentication {
      requireNonNull(type, "type");
      requireNonNull(password, "password");
      if (password.length() > MAX_PASSWORD_LENGTH) {
        throw new IllegalArgumentException("auth_pass must be at most 8 characters but has " + password.length());
      }
    }
  }

  /** {@code auth_type}. */
  public enum AuthType {
    PASS,
    AH
  }

  /**
   * One entry of {@code virtual_ipaddress}: {@code ADDRESS[/PREFIX] [dev IFACE] [label LABEL]}.
   *
   * @param address the address
   * @param prefixLength the prefix length (default /32 or /128)
   * @param device {@code dev}, if given
   * @param label {@code label}, if given
   */
  public record VirtualIpAddress(InetAddress address, int prefixLength, Optional<String> device, Optional<String> label) {
    public VirtualIpAddress {
      requireNonNull(address, "address");
      requireNonNull(device, "device");
      requireNonNull(label, "label");
      int max = address.getAddress().length * 8;
      if (prefixLength < 0 || prefixLength > max) {
        throw new IllegalArgumentException("prefix length must be in [0, " + max + "] but was " + prefixLength);
      }
    }
  }

  /**
   * One entry of {@code track_interface}: the instance goes to FAULT when the interface is down, or with a weight
   * its priority changes by the weight instead.
   *
   * @param name interface name
   * @param weight 0 (fault) or a priority change, -254 to 254
   */
  public record TrackedInterface(String name, int weight) {
    public TrackedInterface {
      requireNonNull(name, "name");
    }
  }

  /**
   * One entry of {@code track_script}: a {@link VrrpScriptConfig} by name, with an optional weight override.
   *
   * @param name the script's name
   * @param weight overrides the script's own weight when present
   */
  public record TrackedScript(String name, OptionalInt weight) {
    public TrackedScript {
      requireNonNull(name, "name");
      requireNonNull(weight, "weight");
    }
  }
}
