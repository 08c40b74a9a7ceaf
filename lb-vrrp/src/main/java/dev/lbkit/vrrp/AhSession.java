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
 * election goes on; a replayed or restarted sender's old numbers are still dropped. The IP identification, covered by
 * the ICV, is the instance's own counter from 1, skipping 0 (the kernel would replace a 0).
 *
 * <p>The top of the 32-bit sequence space, as keepalived 2.2.7 has it ({@code vrrp.c}, checked against its source) and
 * lbkit follows it:
 * <ul>
 *   <li>As a receiver keepalived compares unsigned 32-bit numbers with no wrap-around: a number not above its counter
 *       is dropped with {@code "(VI_1) IPSEC-AH : sequence number N already processed. Packet dropped. Local(M)"}.
 *       Once its counter is at 0xFFFFFFFF it accepts nothing more; a sender that wrapped to 1 would be dropped too.
 *   <li>As a sender it counts only up to 0xFFFFFFFE; from then on it marks the counter as cycled and sends the same
 *       number again, and goes on advertising as Master (its source comment speaks of stepping down, the code does not).
 *       A Master that hears a lower-priority advertisement takes that number plus one (unsigned, so 0xFFFFFFFF + 1 is
 *       0). The mark is cleared when a Backup accepts an advertisement or a Master hears a higher- or lower-priority
 *       one; an instance that becomes Master while it is still set restarts its counter from 0.
 *   <li>So at the top each router drops the others' repeated numbers, every Backup takes over after its
 *       Master_Down_Interval and all stay Master. By these rules two keepalived routers end in that split brain; keepalived
 *       and lbkit do, as measured ({@code KeepalivedAhInteropIT.sequenceTop_*}, with keepalived's log lines). Only a restart of every
 *       router of the VRID (counters from 0) ends it. At one advertisement a second the top is 136 years away; it comes
 *       sooner only if a holder of the key sends a number near it, which a Master then answers with one above.
 * </ul>
 * lbkit does the same on the wire, on purpose: it stops at 0xFFFFFFFE and repeats it (a number that wrapped would be
 * dropped just the same, and would only look like a restarted peer); it answers a lower-priority advertisement with
 * one above its number, at most 0xFFFFFFFF; as a receiver it counts each repeat as {@link
 * dev.lbkit.vrrp.internal.codec.Rejection#AUTH_AH_SEQUENCE} and never throws; an accepted advertisement with a number
 * not below the counter clears the stop, and a counter still stopped starts again from 1 when the instance next becomes
 * Master. Accepting a repeated number to keep one Master would give up the replay check
 * that is the point of the mode.
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
    if (received >= sequence) {
      cycled = false; // keepalived clears its mark on any advertisement it accepts (its counter then equals the number)
    }
    sequence = Math.max(sequence, received);
    return true;
  }

  /** A Master heard an authentic lower-priority advertisement: its answer must carry a higher number. */
  void heardLowerPriority(long received) {
    sequence = Math.min(received + 1, 0xFFFFFFFFL);
    cycled = false;
  }

  /**
   * Test-only: sets the counter as if this many advertisements had been sent or heard, so a test reaches the top of the
   * sequence space in seconds rather than in 136 years. Nothing in the configuration reaches it.
   */
  void counterForTest(long value) {
    if (value < 0 || value > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("AH sequence counter must be in [0, 4294967295] but was " + value);
    }
    sequence = value;
  }

  /** About to advertise as a new Master: a counter that stopped starts again. */
  void becomingMaster() {
    if (cycled) {
      cycled = false;
      sequence = 0;
    }
  }
}
