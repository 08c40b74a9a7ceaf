package dev.lbkit.vrrp.spi;

import dev.lbkit.api.AddressFamily;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Carries VRRP datagrams (IP protocol 112) in and out of interfaces. Implementations: the Linux raw-socket transport
 * ({@code LinuxVrrp.transport()}) and {@link dev.lbkit.vrrp.InMemoryVrrpNetwork}. Called from the router's engine
 * thread only, except {@link #wakeup()} and {@link #close()}.
 */
public interface VrrpTransport extends Closeable {

  /**
   * Starts receiving VRRP of this family on the interface: joins 224.0.0.18 / ff02::12. Idempotent.
   *
   * @throws IOException if the interface does not exist or the process may not open raw sockets
   */
  void open(String interfaceName, AddressFamily family) throws IOException;

  /**
   * Also carries keepalived's IPsec-AH mode on the interface (IPv4 only): receives IP protocol 51 datagrams, handed
   * over with their IPv4 header ({@link VrrpDatagram#authenticated()}), and sends datagrams that carry their own IPv4
   * header as given. Called after {@link #open} for IPv4, for each interface with an instance of
   * {@code auth_type AH}. Idempotent. The default refuses: a transport must opt in.
   *
   * @throws IOException if the transport cannot carry it, or the process may not open raw sockets
   */
  default void openAuthenticationHeader(String interfaceName) throws IOException {
    throw new IOException(getClass().getSimpleName() + " does not carry IPsec-AH (IP protocol 51) datagrams on "
        + interfaceName);
  }

  /**
   * The address advertisements are sent from: the interface's primary IPv4 address, or its IPv6 link-local one.
   *
   * @throws IOException if the interface has none
   */
  InetAddress primaryAddress(String interfaceName, AddressFamily family) throws IOException;

  /**
   * Sends one datagram with TTL / hop limit {@link VrrpDatagram#ttl()} (255).
   *
   * @throws IOException if the kernel refuses it
   */
  void send(VrrpDatagram datagram) throws IOException;

  /**
   * Waits up to {@code timeout} for the next datagram on any opened interface.
   *
   * @return the datagram, or empty when the time is up
   * @throws IOException if receiving fails
   * @throws InterruptedException if the thread was interrupted while waiting
   */
  Optional<VrrpDatagram> receive(Duration timeout) throws IOException, InterruptedException;

  /**
   * Makes a {@link #receive} in progress return at once (empty if nothing arrived), or the next one if none is in
   * progress. Thread-safe; may be called after {@link #close()}, when it does nothing. The router calls it when a
   * command is queued or it is closed, so it can sleep until its next timer instead of polling.
   */
  void wakeup();

  /**
   * Runs through the receive and send paths without receiving or sending anything: the router calls it in the last
   * few hundred microseconds before a master-down deadline, so that the takeover's first reads and sends do not pay
   * for cold caches (on a loaded host the first system call after a wait cost some 25 us more than the next one).
   * Must not throw and must not consume a datagram; the default does nothing.
   */
  default void prime() {}

  /**
   * The router's takeover window begins on the calling (engine) thread: no advertisement came for about 1.6
   * intervals, and the engine will sleep until its takeover spin, spin, and take over, unless an advertisement comes
   * first. A transport may ask the scheduler to run this thread ahead of ordinary ones until {@link #endTakeover()},
   * so that its wake-up for the spin does not wait for a CPU and no thread woken meanwhile (the JIT's compiler
   * threads, other processes) takes the CPU between the deadline and the new Master's addresses, advertisement and
   * gratuitous ARPs. Best effort: must not throw; the default does nothing.
   */
  default void beginTakeover() {}

  /**
   * The takeover window ends (the router took over and announced itself, or an advertisement cancelled it): undoes
   * {@link #beginTakeover()} on the calling thread. Must not throw; idempotent; the default does nothing.
   */
  default void endTakeover() {}
}
