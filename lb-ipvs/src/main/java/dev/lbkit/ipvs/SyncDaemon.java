package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A connection synchronization daemon ({@code ipvsadm --start-daemon}). Immutable.
 *
 * @param role master (sends) or backup (receives)
 * @param interfaceName {@code --mcast-interface}
 * @param syncId {@code --syncid}, 0 to 255
 * @param maxPacketLength {@code --sync-maxlen}, or 0 for the kernel's default
 * @param group {@code --mcast-group}, or empty for the default 224.0.0.81
 * @param port {@code --mcast-port}, or 0 for the default 8848
 * @param ttl {@code --mcast-ttl}, or 0 for the default 1
 */
public record SyncDaemon(Role role, String interfaceName, int syncId, int maxPacketLength,
    Optional<InetAddress> group, int port, int ttl) {

  /** The kind of daemon: the {@code IP_VS_STATE_MASTER} and {@code IP_VS_STATE_BACKUP} bits. */
  public enum Role {
    MASTER(1),
    BACKUP(2);

    private final int kernelState;

    Role(int kernelState) {
      this.kernelState = kernelState;
    }

    /** The {@code IPVS_DAEMON_ATTR_STATE} value. */
    public int kernelState() {
      return kernelState;
    }
  }

  public SyncDaemon {
    requireNonNull(role, "role");
    requireNonNull(interfaceName, "interfaceName");
    requireNonNull(group, "group");
    if (interfaceName.isEmpty() || interfaceName.length() > 15) {
      throw new IllegalArgumentException("sync daemon interface name must be 1 to 15 characters but was '"
          + interfaceName + "'");
    }
    if (syncId < 0 || syncId > 255) {
      throw new IllegalArgumentException("sync id must be in [0, 255] but was " + syncId);
    }
    if (maxPacketLength < 0 || maxPacketLength > 65_535) {
      throw new IllegalArgumentException("sync max packet length must be in [0, 65535] but was " + maxPacketLength);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("sync multicast port must be in [0, 65535] but was " + port);
    }
    if (ttl < 0 || ttl > 255) {
      throw new IllegalArgumentException("sync multicast TTL must be in [0, 255] but was " + ttl);
    }
    if (group.isPresent() && !group.get().isMulticastAddress()) {
      throw new IllegalArgumentException("sync group must be a multicast address but was "
          + group.get().getHostAddress());
    }
  }

  /** A daemon with the kernel's defaults for everything but role, interface and sync id. */
  public static SyncDaemon of(Role role, String interfaceName, int syncId) {
    return new SyncDaemon(role, interfaceName, syncId, 0, Optional.empty(), 0, 0);
  }
}
