package dev.lbkit.ipvs;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.internal.netlink.Errno;
import dev.lbkit.ipvs.internal.netlink.GenericNetlink;
import dev.lbkit.ipvs.internal.netlink.NetlinkConnection;
import dev.lbkit.ipvs.internal.netlink.NetlinkException;
import dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter;
import dev.lbkit.ipvs.internal.netlink.NetlinkProtocol;
import dev.lbkit.ipvs.internal.wire.IpvsGenl;
import dev.lbkit.ipvs.internal.wire.IpvsReplies;
import dev.lbkit.ipvs.internal.wire.IpvsRequests;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link IpvsClient} over generic netlink: the kernel's IPVS table of the caller's network namespace. Open it with
 * {@link Ipvs#open()}.
 *
 * <p>Thread safety: safe for concurrent use; requests share one netlink socket and are serialized (dumps of one
 * service's destinations use a second socket, opened on first use). Bulk changes
 * through {@link #execute(List)} are packed many to a datagram without waiting for each ACK.
 */
public final class NetlinkIpvsClient implements IpvsClient {
  /**
   * What an EINVAL to a sync daemon start most likely concerns: its settings, or a destination of another address
   * family than its service's, which the kernel does not sync and so refuses a daemon beside (ip_vs_genl_new_daemon).
   */
  static final String SYNC_DAEMON_ATTRIBUTE =
      "sync daemon settings, or a destination of another address family than its service's";

  /** Set up on first use: SLF4J's start (a service lookup over the whole class path) is not paid by a short
   * command that logs nothing. */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(NetlinkIpvsClient.class);
  }
  private final NetlinkConnection connection;
  private final IpvsRequests requests;
  /**
   * A second socket for the dumps of one service's destinations, with small receives (see
   * {@link NetlinkConnection#receiveSmallDumps}): listing a table makes one such dump per service. Opened on first
   * use; null until then, or the main connection if it could not be opened.
   */
  private NetlinkConnection destinationDumps;

  private NetlinkIpvsClient(NetlinkConnection connection, int familyId) {
    this.connection = connection;
    this.requests = new IpvsRequests(familyId);
  }

  /** Over given connections, for tests: {@code destinationDumps} serves the per-service destination dumps. */
  NetlinkIpvsClient(NetlinkConnection connection, NetlinkConnection destinationDumps, int familyId) {
    this(connection, familyId);
    this.destinationDumps = destinationDumps;
  }

  /** Opens a netlink socket and resolves the IPVS family. */
  static NetlinkIpvsClient open() throws IpvsException {
    NetlinkConnection c;
    try {
      c = NetlinkConnection.open(NetlinkProtocol.GENERIC);
    } catch (NetlinkException e) {
      throw IpvsErrors.of(e, null, null, null);
    } catch (UnsupportedOperationException | LinkageError e) {
      throw new IpvsUnavailableException("open IPVS", 0, "open IPVS: netlink is unavailable here: " + e.getMessage(),
          e);
    }
    try {
      Optional<GenericNetlink.Family> family = GenericNetlink.resolve(c, IpvsGenl.FAMILY_NAME);
      if (family.isEmpty()) {
        throw noIpvsFamily();
      }
      return new NetlinkIpvsClient(c, family.get().id());
    } catch (IpvsException | NetlinkException | RuntimeException e) {
      try {
        c.close();
      } catch (NetlinkException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      if (e instanceof NetlinkException ne) {
        throw IpvsErrors.of(ne, null, null, null);
      }
      if (e instanceof IpvsException ie) {
        throw ie;
      }
      throw (RuntimeException) e;
    }
  }

  /** The kernel has no IPVS family: the one message {@link #open()} and {@link Ipvs#unavailabilityCause()} give. */
  static IpvsUnavailableException noIpvsFamily() {
    return new IpvsUnavailableException("open IPVS", Errno.ENOENT, "open IPVS: the kernel has no IPVS generic"
        + " netlink family; load the ip_vs module (modprobe ip_vs) or use a kernel with CONFIG_IP_VS", null);
  }

  @Override
  public void addService(VirtualService service) throws IpvsException {
    run("add service " + service.key(), requests.newService(service), schedulerNotFound(service), null,
        serviceAttribute(service));
  }

  @Override
  public void editService(VirtualService service) throws IpvsException {
    run("edit service " + service.key(), requests.setService(service), schedulerNotFound(service), null,
        serviceAttribute(service));
  }

  @Override
  public void deleteService(ServiceKey key) throws IpvsException {
    run("delete service " + key, requests.delService(key), "no such service", null, null);
  }

  @Override
  public Optional<IpvsService> getService(ServiceKey key) throws IpvsException {
    try {
      List<IpvsService> found = connection.request("get service " + key, requests.getService(key),
          m -> IpvsReplies.service(m, true));
      return found.stream().findFirst();
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ESRCH || e.errno() == Errno.ENOENT) {
        return Optional.empty();
      }
      throw IpvsErrors.of(e, null, null, null);
    }
  }

  @Override
  public List<IpvsService> listServices(Stats stats) throws IpvsException {
    boolean withStats = Stats.included(stats);
    try {
      return connection.dump("list services", requests.dumpServices(), m -> IpvsReplies.service(m, withStats));
    } catch (NetlinkException e) {
      throw IpvsErrors.of(e, null, null, null);
    }
  }

  @Override
  public void addDestination(ServiceKey service, RealServer destination) throws IpvsException {
    runNaming("add destination " + destination.endpoint() + " to " + service, requests.newDest(service, destination),
        "no such destination", null, errno -> destinationAttribute(service, destination, errno));
  }

  @Override
  public void editDestination(ServiceKey service, RealServer destination) throws IpvsException {
    runNaming("edit destination " + destination.endpoint() + " of " + service, requests.setDest(service, destination),
        "no such destination", null, errno -> destinationAttribute(service, destination, errno));
  }

  @Override
  public void deleteDestination(ServiceKey service, Endpoint destination) throws IpvsException {
    run("delete destination " + destination + " from " + service, requests.delDest(service, destination),
        "no such destination", null, null);
  }

  @Override
  public List<IpvsDestination> listDestinations(ServiceKey service, Stats stats) throws IpvsException {
    List<IpvsDestination> out;
    boolean withStats = Stats.included(stats);
    try {
      AddressFamily family = service.family();
      out = destinationDumps().dump(() -> "list destinations of " + service, requests.dumpDests(service),
          m -> IpvsReplies.destination(m, family, withStats));
    } catch (NetlinkException e) {
      throw IpvsErrors.of(e, null, null, null);
    }
    // the kernel answers an empty dump for a missing service; tell the two apart as the contract says
    if (out.isEmpty() && getService(service).isEmpty()) {
      throw IpvsErrors.of("list destinations of " + service, Errno.ESRCH, null, null, null, null, null);
    }
    return out;
  }

  @Override
  public void flush() throws IpvsException {
    run("flush", requests.flush(), null, null, null);
  }

  @Override
  public void zero() throws IpvsException {
    run("zero counters", requests.zeroAll(), null, null, null);
  }

  @Override
  public void zero(ServiceKey service) throws IpvsException {
    run("zero counters of " + service, requests.zero(service), "no such service", null, null);
  }

  @Override
  public IpvsTimeouts timeouts() throws IpvsException {
    try {
      return single(connection.request("get timeouts", requests.getConfig(), IpvsReplies::timeouts), "get timeouts");
    } catch (NetlinkException e) {
      throw IpvsErrors.of(e, null, null, null);
    }
  }

  @Override
  public void setTimeouts(IpvsTimeouts timeouts) throws IpvsException {
    run("set timeouts", requests.setConfig(timeouts), null, null, "timeout");
  }

  @Override
  public IpvsInfo info() throws IpvsException {
    try {
      return single(connection.request("get info", requests.getInfo(), IpvsReplies::info), "get info");
    } catch (NetlinkException e) {
      throw IpvsErrors.of(e, null, null, null);
    }
  }

  @Override
  public void startSyncDaemon(SyncDaemon daemon) throws IpvsException {
    run("start " + daemon.role().name().toLowerCase(java.util.Locale.ROOT) + " sync daemon on "
        + daemon.interfaceName(), requests.newDaemon(daemon), "no such interface", null, SYNC_DAEMON_ATTRIBUTE);
  }

  @Override
  public void stopSyncDaemon(SyncDaemon.Role role) throws IpvsException {
    run("stop " + role.name().toLowerCase(java.util.Locale.ROOT) + " sync daemon", requests.delDaemon(role),
        "no such sync daemon", "no such sync daemon", null);
  }

  @Override
  public List<SyncDaemon> syncDaemons() throws IpvsException {
    try {
      return connection.dump("list sync daemons", requests.dumpDaemons(), IpvsReplies::daemon);
    } catch (NetlinkException e) {
      throw IpvsErrors.of(e, null, null, null);
    }
  }

  /**
   * Sends every change packed into few datagrams, without waiting for each ACK; the kernel applies them in order
   * and goes on after a refusal.
   */
  @Override
  public List<Optional<IpvsException>> execute(List<IpvsChange> changes) throws IpvsException {
    List<byte[]> messages = new ArrayList<>(changes.size());
    for (IpvsChange c : changes) {
      messages.add(encode(c).toByteArray());
    }
    List<Optional<NetlinkException>> results;
    try {
      results = connection.executeBatch(i -> changes.get(i).describe(), messages);
    } catch (NetlinkException e) {
      throw new IpvsException("apply " + changes.size() + " changes", e.errno(), e.getMessage(), e);
    }
    List<Optional<IpvsException>> out = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      Optional<NetlinkException> r = results.get(i);
      IpvsChange c = changes.get(i);
      out.add(r.isEmpty() ? Optional.empty() : Optional.of(IpvsErrors.of(r.get(), notFound(c), null, null)));
    }
    return out;
  }

  @Override
  public void close() throws IpvsException {
    NetlinkConnection second;
    synchronized (this) {
      second = destinationDumps;
    }
    try {
      connection.close();
    } catch (NetlinkException e) {
      IpvsException failure = IpvsErrors.of(e, null, null, null);
      closeSecond(second, failure);
      throw failure;
    }
    closeSecond(second, null);
  }

  private void closeSecond(NetlinkConnection second, IpvsException pending) throws IpvsException {
    if (second == null || second == connection) {
      return;
    }
    try {
      second.close();
    } catch (NetlinkException e) {
      if (pending != null) {
        pending.addSuppressed(e);
      } else {
        throw IpvsErrors.of(e, null, null, null);
      }
    }
  }

  private synchronized NetlinkConnection destinationDumps() {
    if (destinationDumps == null) {
      try {
        NetlinkConnection c = NetlinkConnection.open(NetlinkProtocol.GENERIC);
        c.receiveSmallDumps(NetlinkConnection.SMALL_DUMP_RECEIVE);
        destinationDumps = c;
      } catch (NetlinkException e) {
        Log.LOG.debug("no second netlink socket for destination dumps ({}); using the main one", e.getMessage());
        destinationDumps = connection;
      }
    }
    return destinationDumps;
  }

  private NetlinkMessageWriter encode(IpvsChange c) {
    if (c instanceof IpvsChange.AddService a) {
      return requests.newService(a.service());
    } else if (c instanceof IpvsChange.EditService e) {
      return requests.setService(e.service());
    } else if (c instanceof IpvsChange.DeleteService d) {
      return requests.delService(d.key());
    } else if (c instanceof IpvsChange.AddDestination a) {
      return requests.newDest(a.service(), a.destination());
    } else if (c instanceof IpvsChange.EditDestination e) {
      return requests.setDest(e.service(), e.destination());
    } else {
      IpvsChange.DeleteDestination d = (IpvsChange.DeleteDestination) c;
      return requests.delDest(d.service(), d.destination());
    }
  }

  private static String notFound(IpvsChange c) {
    if (c instanceof IpvsChange.AddService a) {
      return schedulerNotFound(a.service());
    }
    if (c instanceof IpvsChange.EditService e) {
      return schedulerNotFound(e.service());
    }
    return c instanceof IpvsChange.DeleteService ? "no such service" : "no such destination";
  }

  private void run(String operation, NetlinkMessageWriter message, String enoent, String esrch, String attribute)
      throws IpvsException {
    runNaming(operation, message, enoent, esrch, errno -> attribute);
  }

  /** {@code attribute} names what a refusal with the given errno most likely concerns. */
  private void runNaming(String operation, NetlinkMessageWriter message, String enoent, String esrch,
      java.util.function.IntFunction<String> attribute) throws IpvsException {
    try {
      connection.execute(operation, message);
    } catch (NetlinkException e) {
      throw IpvsErrors.of(e, enoent, esrch, attribute.apply(e.errno()));
    }
  }

  private static <T> T single(List<T> answers, String operation) throws IpvsException {
    if (answers.isEmpty()) {
      throw new IpvsException(operation, 0, operation + ": the kernel acknowledged without an answer", null);
    }
    return answers.get(0);
  }

  static String schedulerNotFound(VirtualService s) {
    return s.persistenceEngine().isPresent()
        ? "scheduler " + s.scheduler() + " or persistence engine " + s.persistenceEngine().get() + " not found (no"
            + " ip_vs_" + s.scheduler() + " or ip_vs_pe_" + s.persistenceEngine().get() + " module)"
        : "scheduler " + s.scheduler() + " not found (no ip_vs_" + s.scheduler() + " module)";
  }

  /**
   * What an EINVAL to adding or editing {@code s} most likely concerns. The kernel takes an IPv6 service's persistence
   * prefix only in [1, 128] (ip_vs_add_service, ip_vs_edit_service); lb-api allows 0, as IPv4 has it.
   */
  static String serviceAttribute(VirtualService s) {
    if (hasIpv6PrefixTheKernelRefuses(s)) {
      return "persistence prefix length (IPv6 takes 1 to 128)";
    }
    return "scheduler, flags or persistence";
  }

  /** An IPv6 service whose persistence prefix is 0: lb-api allows it (IPv4 has it), the kernel refuses it. */
  static boolean hasIpv6PrefixTheKernelRefuses(VirtualService s) {
    return s.key().family() == AddressFamily.IPV6 && s.persistence().isPresent()
        && s.persistence().get().effectivePrefixLength(AddressFamily.IPV6) < 1;
  }

  /**
   * What a refusal with {@code errno} of adding or editing {@code d} most likely concerns. The kernel takes a
   * destination of another family than its service's only through a tunnel and only while no sync daemon runs
   * (ip_vs_genl_set_cmd); it creates a destination only on a unicast or local address, EINVAL otherwise
   * (ip_vs_new_dest), and refuses a negative weight or a lower threshold above the upper one with ERANGE
   * (ip_vs_add_dest, ip_vs_edit_dest).
   */
  static String destinationAttribute(ServiceKey service, RealServer d, int errno) {
    if (d.endpoint().family() != service.family()) {
      return d.forwarding() != ForwardingMethod.TUNNEL ? "address family"
          : "address family (not while a sync daemon runs) or tunnel";
    }
    if (errno == Errno.ERANGE) {
      return "weight or thresholds";
    }
    return d.tunnel().isPresent() ? "address (not unicast) or tunnel" : "address (not unicast)";
  }
}
