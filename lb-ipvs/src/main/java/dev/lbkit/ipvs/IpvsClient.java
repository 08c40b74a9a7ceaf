package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import java.util.List;
import java.util.Optional;

/**
 * The IPVS table: virtual services, their destinations, timeouts, sync daemons and counters. Everything
 * {@code ipvsadm} can do, with typed errors.
 *
 * <p>Two implementations share one contract: {@link Ipvs#open()} programs the kernel over generic netlink, and
 * {@link InMemoryIpvs} keeps the table in memory with the kernel's rules and errors, for tests without root.
 *
 * <pre>{@code
 * try (IpvsClient ipvs = Ipvs.open()) {
 *   ServiceKey web = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
 *   ipvs.addService(VirtualService.builder(web).scheduler("wrr").build());
 *   ipvs.addDestination(web, RealServer.builder(Endpoint.parse("10.0.0.2:80")).weight(3).build());
 * }
 * }</pre>
 *
 * <p>Thread safety: implementations are safe for concurrent use; each call is applied atomically by the kernel.
 * Every method throws {@link IpvsException}: {@link IpvsExistsException}, {@link IpvsNotFoundException},
 * {@link IpvsPermissionException}, {@link IpvsUnavailableException} or {@link IpvsInvalidArgumentException} for
 * the kernel's refusals, the base class for failures of the exchange itself.
 */
public interface IpvsClient extends AutoCloseable {

  /**
   * Whether a listing reports each entry's traffic counters ({@link IpvsStats}). The kernel sends them with every
   * service and destination, twenty counters each; a listing that needs only the configuration (a reconcile, an
   * {@code ipvsadm -Sn} or a plain {@code -Ln}) omits them and is cheaper to decode.
   */
  enum Stats {
    /** Each entry's {@code stats()} holds its counters. */
    INCLUDED,
    /** Each entry's {@code stats()} is empty; everything else, connection counts included, is reported. */
    OMITTED;

    /** Whether {@code stats} asks for the counters; a null {@code stats} is refused, named as the parameter. */
    static boolean included(Stats stats) {
      return requireNonNull(stats, "stats") == INCLUDED;
    }
  }

  /**
   * Adds a virtual service ({@code ipvsadm -A}).
   *
   * @throws IpvsExistsException if a service with this key exists
   * @throws IpvsNotFoundException if the scheduler or persistence engine is unknown
   * @throws IpvsException for other refusals
   */
  void addService(VirtualService service) throws IpvsException;

  /**
   * Changes a virtual service's scheduler, flags and persistence ({@code ipvsadm -E}).
   *
   * @throws IpvsNotFoundException if there is no such service, or the scheduler is unknown
   * @throws IpvsException for other refusals
   */
  void editService(VirtualService service) throws IpvsException;

  /**
   * Deletes a virtual service and its destinations ({@code ipvsadm -D}).
   *
   * @throws IpvsNotFoundException if there is no such service
   * @throws IpvsException for other refusals
   */
  void deleteService(ServiceKey key) throws IpvsException;

  /**
   * One service, or empty when there is none with this key.
   *
   * @throws IpvsException if the exchange fails
   */
  Optional<IpvsService> getService(ServiceKey key) throws IpvsException;

  /**
   * Every service with its counters, in the kernel's order: {@code listServices(Stats.INCLUDED)}.
   *
   * @throws IpvsException if the dump fails; a dump is never returned incomplete
   */
  default List<IpvsService> listServices() throws IpvsException {
    return listServices(Stats.INCLUDED);
  }

  /**
   * Every service, in the kernel's order, with or without its counters.
   *
   * @param stats {@link Stats#OMITTED} to leave each service's {@link IpvsService#stats()} empty, which spares
   *     decoding them when only the configuration is wanted
   * @throws IpvsException if the dump fails; a dump is never returned incomplete
   */
  List<IpvsService> listServices(Stats stats) throws IpvsException;

  /**
   * Adds a destination to a service ({@code ipvsadm -a}).
   *
   * @throws IpvsNotFoundException if there is no such service
   * @throws IpvsExistsException if the service has this destination already
   * @throws IpvsException for other refusals
   */
  void addDestination(ServiceKey service, RealServer destination) throws IpvsException;

  /**
   * Changes a destination's weight, forwarding, thresholds and tunnel ({@code ipvsadm -e}).
   *
   * @throws IpvsNotFoundException if there is no such service or destination
   * @throws IpvsException for other refusals
   */
  void editDestination(ServiceKey service, RealServer destination) throws IpvsException;

  /**
   * Removes a destination ({@code ipvsadm -d}).
   *
   * @throws IpvsNotFoundException if there is no such service or destination
   * @throws IpvsException for other refusals
   */
  void deleteDestination(ServiceKey service, Endpoint destination) throws IpvsException;

  /**
   * The destinations of a service with their counters, in the kernel's order:
   * {@code listDestinations(service, Stats.INCLUDED)}.
   *
   * @throws IpvsNotFoundException if there is no such service
   * @throws IpvsException if the dump fails
   */
  default List<IpvsDestination> listDestinations(ServiceKey service) throws IpvsException {
    return listDestinations(service, Stats.INCLUDED);
  }

  /**
   * The destinations of a service, in the kernel's order, with or without their counters.
   *
   * @param stats {@link Stats#OMITTED} to leave each destination's {@link IpvsDestination#stats()} empty (its
   *     connection counts are still there), which spares decoding them when only the configuration is wanted
   * @throws IpvsNotFoundException if there is no such service
   * @throws IpvsException if the dump fails
   */
  List<IpvsDestination> listDestinations(ServiceKey service, Stats stats) throws IpvsException;

  /**
   * Every service with its destinations, configuration only: {@link #listServices(Stats)} and
   * {@link #listDestinations(ServiceKey, Stats)} together, with the counters {@link Stats#OMITTED}.
   *
   * @throws IpvsException if a dump fails
   */
  default List<LoadBalancedService> table() throws IpvsException {
    List<IpvsService> services = listServices(Stats.OMITTED);
    List<LoadBalancedService> out = new java.util.ArrayList<>(services.size());
    for (IpvsService s : services) {
      List<RealServer> servers = new java.util.ArrayList<>();
      for (IpvsDestination d : listDestinations(s.service().key(), Stats.OMITTED)) {
        servers.add(d.server());
      }
      out.add(new LoadBalancedService(s.service(), servers));
    }
    return out;
  }

  /**
   * Removes every service and destination ({@code ipvsadm -C}).
   *
   * @throws IpvsException if the kernel refuses
   */
  void flush() throws IpvsException;

  /**
   * Zeroes the counters of every service and destination ({@code ipvsadm -Z}).
   *
   * @throws IpvsException if the kernel refuses
   */
  void zero() throws IpvsException;

  /**
   * Zeroes the counters of one service and its destinations ({@code ipvsadm -Z -t ...}).
   *
   * @throws IpvsNotFoundException if there is no such service
   * @throws IpvsException for other refusals
   */
  void zero(ServiceKey service) throws IpvsException;

  /**
   * The TCP, TCP FIN and UDP timeouts ({@code ipvsadm -L --timeout}).
   *
   * @throws IpvsException if the exchange fails
   */
  IpvsTimeouts timeouts() throws IpvsException;

  /**
   * Sets timeouts; a zero duration leaves that one unchanged ({@code ipvsadm --set}).
   *
   * @throws IpvsException if the kernel refuses
   */
  void setTimeouts(IpvsTimeouts timeouts) throws IpvsException;

  /**
   * The IPVS version and connection table size.
   *
   * @throws IpvsException if the exchange fails
   */
  IpvsInfo info() throws IpvsException;

  /**
   * Starts a sync daemon ({@code ipvsadm --start-daemon}).
   *
   * @throws IpvsExistsException if a daemon of this role runs already
   * @throws IpvsException for other refusals, such as {@code ENODEV} for an unknown interface
   */
  void startSyncDaemon(SyncDaemon daemon) throws IpvsException;

  /**
   * Stops the sync daemon of a role ({@code ipvsadm --stop-daemon}).
   *
   * @throws IpvsNotFoundException if none of this role runs
   * @throws IpvsException for other refusals
   */
  void stopSyncDaemon(SyncDaemon.Role role) throws IpvsException;

  /**
   * The running sync daemons ({@code ipvsadm -L --daemon}).
   *
   * @throws IpvsException if the exchange fails
   */
  List<SyncDaemon> syncDaemons() throws IpvsException;

  /**
   * Applies many changes in order, going on after a refusal, and reports each one's outcome. The kernel client
   * packs them into few datagrams without waiting for each answer; this default applies them one by one.
   *
   * @return per change, in order: empty when applied, else why it was refused
   * @throws IpvsException when the exchange itself broke, so that it is unknown which changes were applied
   */
  default List<Optional<IpvsException>> execute(List<IpvsChange> changes) throws IpvsException {
    List<Optional<IpvsException>> out = new java.util.ArrayList<>(changes.size());
    for (IpvsChange c : changes) {
      try {
        if (c instanceof IpvsChange.AddService a) {
          addService(a.service());
        } else if (c instanceof IpvsChange.EditService e) {
          editService(e.service());
        } else if (c instanceof IpvsChange.DeleteService d) {
          deleteService(d.key());
        } else if (c instanceof IpvsChange.AddDestination a) {
          addDestination(a.service(), a.destination());
        } else if (c instanceof IpvsChange.EditDestination e) {
          editDestination(e.service(), e.destination());
        } else {
          IpvsChange.DeleteDestination d = (IpvsChange.DeleteDestination) c;
          deleteDestination(d.service(), d.destination());
        }
        out.add(Optional.empty());
      } catch (IpvsException e) {
        if (e.errno() == 0) {
          throw e; // not a refusal: the exchange broke
        }
        out.add(Optional.of(e));
      }
    }
    return out;
  }

  /** Releases the netlink socket; the in-memory table does nothing. */
  @Override
  void close() throws IpvsException;
}
