package dev.lbkit.examples;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.SchedulerFlag;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.Tunnel;
import dev.lbkit.api.TunnelType;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.IpvsTimeouts;
import dev.lbkit.ipvs.IpvsadmFormat;
import dev.lbkit.ipvs.SyncDaemon;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One ipvsadm command line as {@link IpvsadmParser} read it, and the lbkit values it stands for: the service, real
 * server, sync daemon or timeouts the command acts on. What the line lacks or gives in a form the types refuse is
 * reported here as a usage error, when the command asks for the value.
 */
final class IpvsadmArgs {
  String command; // "-A", "-E", "-D", "-C", "-R", "-S", "-a", "-e", "-d", "-L", "-Z", "--set", ...
  List<String> commandArgs = new ArrayList<>();
  ServiceKey service;
  Protocol protocol;
  String serviceText;
  long fwmark;
  boolean ipv6;
  String scheduler;
  List<SchedulerFlag> flags = new ArrayList<>();
  Integer persistentTimeout;
  String netmask;
  String pe;
  boolean onePacket;
  String realServer;
  ForwardingMethod forwarding;
  Integer weight;
  int upper;
  int lower;
  TunnelType tunType;
  int tunPort;
  Tunnel.Checksum tunChecksum = Tunnel.Checksum.NONE;
  boolean exact;
  IpvsadmFormat.Columns columns = IpvsadmFormat.Columns.DEFAULT;
  boolean timeout;
  boolean daemon;
  boolean connections;
  String mcastInterface;
  int syncId;
  int syncMaxLen;
  String mcastGroup;
  int mcastPort;
  int mcastTtl;
  /** The options given, each with the word that gave it, so each is checked against the command once. */
  final EnumMap<IpvsadmOption, String> given = new EnumMap<>(IpvsadmOption.class);

  /** The table change a service or server command makes ({@code -A -E -D -a -e -d}); null for the others. */
  IpvsChange change() throws UsageException {
    switch (command) {
      case "-A":
        return new IpvsChange.AddService(service());
      case "-E":
        return new IpvsChange.EditService(service());
      case "-D":
        return new IpvsChange.DeleteService(key());
      case "-a":
        return new IpvsChange.AddDestination(key(), server());
      case "-e":
        return new IpvsChange.EditDestination(key(), server());
      case "-d":
        return new IpvsChange.DeleteDestination(key(), realEndpoint());
      default:
        return null;
    }
  }

  ServiceKey key() throws UsageException {
    if (service == null) {
      throw new UsageException(command + " needs a service: -t, -u, --sctp-service or -f");
    }
    return service;
  }

  VirtualService service() throws UsageException {
    VirtualService.Builder b = VirtualService.builder(key())
        .scheduler(scheduler != null ? scheduler : VirtualService.DEFAULT_SCHEDULER).onePacket(onePacket);
    for (SchedulerFlag f : flags) {
      b.schedulerFlag(f);
    }
    if (persistentTimeout != null) {
      Duration timeout = Duration.ofSeconds(persistentTimeout);
      if (netmask == null) {
        b.persistence(Persistence.of(timeout));
      } else {
        // an IPv6 prefix is 1 to 128 in ipvsadm (exit 2 otherwise) as in the kernel, which refuses 0 with EINVAL
        int prefix = service.family() == AddressFamily.IPV4
            ? netmask.contains(".") ? Persistence.prefixLengthOfNetmask(netmask)
                : IpvsadmParser.intNumber(netmask, "netmask", 0, 32)
            : IpvsadmParser.intNumber(netmask, "netmask", 1, 128);
        b.persistence(prefix == service.family().bits() ? Persistence.of(timeout) : Persistence.of(timeout, prefix));
      }
      if (pe != null) {
        b.persistenceEngine(pe);
      }
    } else if (pe != null) {
      throw new UsageException("--pe needs a persistent service (-p)");
    } else if (netmask != null) {
      throw new UsageException("-M needs a persistent service (-p)");
    }
    return b.build();
  }

  Endpoint realEndpoint() throws UsageException {
    if (realServer == null) {
      throw new UsageException(command + " needs a real server: -r ADDRESS[:PORT]");
    }
    Endpoint e = ServiceKeyCache.endpoint(realServer);
    // as in ipvsadm, a real server without a port takes the service's
    if (e.port() == 0 && service instanceof ServiceKey.Address addr && !realServer.matches(".*:\\d+$")) {
      e = e.withPort(addr.endpoint().port());
    }
    return e;
  }

  RealServer server() throws UsageException {
    RealServer.Builder b = RealServer.builder(realEndpoint())
        .forwarding(forwarding != null ? forwarding : ForwardingMethod.DIRECT_ROUTE)
        .weight(weight != null ? weight : 1).upperThreshold(upper).lowerThreshold(lower);
    if (forwarding == ForwardingMethod.TUNNEL) {
      TunnelType type = tunType != null ? tunType : TunnelType.IPIP;
      // Tunnel refuses a port or checksum the type does not carry, rather than this dropping it
      b.tunnel(new Tunnel(type, tunPort, tunChecksum));
    } else {
      for (IpvsadmOption o : List.of(IpvsadmOption.TUN_TYPE, IpvsadmOption.TUN_PORT, IpvsadmOption.TUN_CHECKSUM)) {
        if (given.containsKey(o)) {
          throw new UsageException(given.get(o) + " needs tunnel forwarding (-i)");
        }
      }
    }
    return b.build();
  }

  /** {@code --set TCP TCPFIN UDP}. */
  IpvsTimeouts timeouts() throws UsageException {
    if (commandArgs.size() != 3) {
      throw new UsageException("--set needs three values: tcp tcpfin udp");
    }
    return IpvsTimeouts.ofSeconds(IpvsadmParser.number(commandArgs.get(0), "tcp timeout"),
        IpvsadmParser.number(commandArgs.get(1), "tcpfin timeout"),
        IpvsadmParser.number(commandArgs.get(2), "udp timeout"));
  }

  /** The master or backup of {@code --start-daemon} and {@code --stop-daemon}. */
  SyncDaemon.Role role() throws UsageException {
    String r = commandArgs.get(0).toLowerCase(Locale.ROOT);
    if (r.equals("master")) {
      return SyncDaemon.Role.MASTER;
    }
    if (r.equals("backup")) {
      return SyncDaemon.Role.BACKUP;
    }
    throw new UsageException("sync daemon state must be master or backup but was '" + commandArgs.get(0) + "'");
  }

  SyncDaemon syncDaemon() throws UsageException {
    if (mcastInterface == null) {
      throw new UsageException("--start-daemon needs --mcast-interface (lbkit does not guess eth0)");
    }
    Optional<InetAddress> group = mcastGroup == null ? Optional.empty()
        : Optional.of(Endpoint.parseAddress(mcastGroup));
    return new SyncDaemon(role(), mcastInterface, syncId, syncMaxLen, group, mcastPort, mcastTtl);
  }
}
