package dev.lbkit.vrrp;

import dev.lbkit.vrrp.internal.codec.AuthenticationHeader;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one instance in keepalived's IPsec-AH mode ({@code auth_type AH}): its key, its IP identification
 * counter and its AH sequence number. Engine thread only.
 *
 * <p>keepalived 2.2.7 keeps one sequence counter per instance for both directions: every advertisement sent takes the
 * next number (one number for all unicast peers of an advertisement); an authentic advertisement is accepted only if
 * its number is above the counter, which it then sets; a Master that hears a lower-priority advertisement sets the
 * counter one above that advertisement's number and advertises at once. So a router that restarted (counter back at
 * 0) is not heard until it has heard others: as a Backup it learns the counter from the Master's advertisements; if
 * it took over meanwhile, the old Master's next advertisement reaches it with a higher number, and its answer then
 * carries a number above everything the old Master has seen. lbkit sends by the same counter, so keepalived hears
 * it exactly when it would hear another keepalived.
 *
 * <p>On receive lbkit checks for replays per sender (the SPI is the sender's address: RFC 2402 3.4.3 keeps the
 * replay window per security association), accepting a number above the last one from that sender, and moves the
 * shared counter up to it. keepalived's single counter also drops an advertisement whose number merely equals what it
 * sent itself: two Masters that advertise in the same instant with the same number (equal counters, same phase)
 * then drop each other's advertisements for as long as their phases stay together, a split brain that
 * {@code ElectionProperties} found at once in the simulator. Per sender, such an advertisement is heard and the
 * election goes on; a replayed or restarted sender's old numbers are still dropped. The counter stops at 0xFFFFFFFE (keepalived calls that cycled: receivers then drop the repeats)
 * and starts again from 1 when the instance next becomes Master. The IP identification, covered by the ICV, is the
 * instance's own counter from 1, skipping 0 (the kernel would replace a 0).
 */
final class AhSession {
  /** keepalived stops counting above this value. */
  static final long LAST_INCREMENTED = 0xFFFFFFFDL;
  private final byte[] key;
  private final boolean unicast;
  private int ipId;
  private long sequence;
  private boolean cycled;
  /** The last number accepted from each sender, by address (authentic senders only, so the key holders). */
  private final java.util.Map<java.net.InetAddress, Long> lastFrom = new java.util.LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<java.net.InetAddress, Long> eldest) {
      return size() > MAX_SENDERS;
    }
  };
  /** More peers than any VRRP segment has; the least recently heard is forgotten first. */
  static final int MAX_SENDERS = 256;

  /**
   * @param password the password padded to 8 bytes
   * @param unicast whether the instance has unicast peers (the TTL is then left out of the ICV)
   */
  AhSession(byte[] password, boolean unicast) {
    AuthenticationHeader.requireHmacMd5(); // at start, not on the first datagram of a running engine
    this.key = AuthenticationHeader.key(password);
    this.unicast = unicast;
  }

  /** Takes over the counters of the session it replaces (a reload of the same instance). */
  void continueFrom(AhSession previous) {
    this.ipId = previous.ipId;
    this.sequence = previous.sequence;
    this.cycled = previous.cycled;
    this.lastFrom.putAll(previous.lastFrom);
  }

  byte[] key() {
    return key.clone();
  }

  boolean unicast() {
    return unicast;
  }

  /** The counter: the last number sent or accepted. */
  long sequence() {
    return sequence;
  }

  /**
   * Seals one advertisement, given as plain datagrams (one per destination, VRRP message as payload): takes the next
   * IP identification and sequence number for all of them.
   */
  List<VrrpDatagram> seal(List<VrrpDatagram> plain) {
    ipId = ipId == 0xffff ? 1 : ipId + 1;
    if (sequence > LAST_INCREMENTED) {
      cycled = true;
    } else {
      sequence++;
    }
    List<VrrpDatagram> sealed = new ArrayList<>(plain.size());
    for (VrrpDatagram d : plain) {
      AuthenticationHeader.Sealed s = AuthenticationHeader.seal((Inet4Address) d.source(),
          (Inet4Address) d.destination(), ipId, sequence, unicast, key, d.payload());
      sealed.add(new VrrpDatagram(d.interfaceName(), d.source(), d.destination(), VrrpCodec.REQUIRED_TTL,
          s.payload(), Duration.ZERO, s.ipHeader()));
    }
    return sealed;
  }

  /**
   * The replay check of an authentic advertisement: accepted if its number is above the last one accepted from the
   * same sender; the counter then moves up to it.
   */
  boolean accept(java.net.InetAddress sender, long received) {
    Long last = lastFrom.get(sender);
    if (last != null && received <= last) {
      return false;
    }
    lastFrom.put(sender, received);
    sequence = Math.max(sequence, received);
    return true;
  }

  /** A Master heard an authentic lower-priority advertisement: its answer must carry a higher number. */
  void heardLowerPriority(long received) {
    sequence = Math.min(received + 1, 0xFFFFFFFFL);
    cycled = false;
  }

  /** About to advertise as a new Master: a counter that stopped starts again. */
  void becomingMaster() {
    if (cycled) {
      cycled = false;
      sequence = 0;
    }
  }
}
