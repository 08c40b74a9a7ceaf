package dev.lbkit.healthcheck.dns;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.NetworkCheck;
import dev.lbkit.healthcheck.Step;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.Transport;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * keepalived {@code DNS_CHECK}: one query over UDP (recursion desired, class IN), judged as keepalived 2.2.7 judges
 * it ({@code check_dns.c}, {@code dns_recv_thread}) unless expected addresses are given.
 *
 * <p>keepalived's rule, used when {@link #expected()} is empty: a datagram is taken as the answer when it is at
 * least 8 bytes long (keepalived compares the length with the size of a pointer, not the 12-byte header), carries
 * the query's id and has QR set; any other datagram is ignored and the check keeps waiting until its deadline.
 * The answer is up when its RCODE is NOERROR, whatever it holds: no answer records (NODATA), records of another
 * type, the TC bit, even a question that is not ours; keepalived reads nothing but the id, QR and RCODE, and so
 * does this check. Any other RCODE is down ({@link DownReason#BAD_STATUS}, named: NXDOMAIN, SERVFAIL, ...).
 * Silence is {@link DownReason#TIMEOUT}; an ICMP unreachable {@link DownReason#REFUSED}.
 *
 * <p>lbkit's addition, used only when expected addresses are given: the answer section is read, and one of its
 * A/AAAA records must be among them ({@link DownReason#CONTENT_MISMATCH} otherwise). Such a check must see the
 * records, so a UDP response with TC set is not judged: the same query is sent again over TCP to the same server
 * and port within what is left of the attempt's deadline (RFC 1035 4.2.1, RFC 7766), and that answer is judged; a
 * server whose TCP side is down then fails with the TCP error, named as the fallback. {@link #overTcp()} asks over
 * TCP from the start. A malformed answer section is {@link DownReason#PROTOCOL_ERROR}.
 *
 * <pre>{@code
 * DnsCheck soa = DnsCheck.of(Endpoint.parse("10.0.0.53:53"), ".", "SOA");        // keepalived's default check
 * DnsCheck www = DnsCheck.of(Endpoint.parse("10.0.0.53:53"), "www.example.com", "A")
 *     .expecting(InetAddress.getByName("192.0.2.10"));                            // lbkit: the answer must hold it
 * }</pre>
 *
 * @param target the server
 * @param name the query name; {@code "."} is the root (keepalived's default with type SOA)
 * @param type the query type by name: keepalived's A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG, DNSKEY, and PTR, SRV
 * @param expected addresses of which one must be answered (A/AAAA only); empty: keepalived's rule, any NOERROR
 * @param bindTo a local address to bind first
 * @param transport UDP (keepalived's; with expected addresses, a TCP fallback on truncation) or TCP only
 */
public record DnsCheck(Endpoint target, String name, String type, List<InetAddress> expected,
    Optional<InetAddress> bindTo, Transport transport) implements NetworkCheck {

  private static final Map<String, Integer> TYPES = Map.ofEntries(Map.entry("A", 1), Map.entry("NS", 2),
      Map.entry("CNAME", 5), Map.entry("SOA", 6), Map.entry("PTR", 12), Map.entry("MX", 15), Map.entry("TXT", 16),
      Map.entry("AAAA", 28), Map.entry("SRV", 33), Map.entry("RRSIG", 46), Map.entry("DNSKEY", 48));
  /** The query types keepalived 2.2.7's {@code type} accepts (check_dns.c), in its order. */
  public static final List<String> KEEPALIVED_TYPES =
      List.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY");
  /** keepalived's default {@code name}: the root. */
  public static final String DEFAULT_NAME = ".";
  /** keepalived's default {@code type}. */
  public static final String DEFAULT_TYPE = "SOA";
  /** keepalived's shortest datagram taken as an answer: the size of a pointer on 64-bit Linux, not the header. */
  static final int MIN_ANSWER_BYTES = 8;
  private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

  public DnsCheck {
    requireNonNull(target, "target");
    requireNonNull(name, "name");
    type = requireNonNull(type, "type").toUpperCase(Locale.ROOT);
    expected = List.copyOf(requireNonNull(expected, "expected"));
    requireNonNull(bindTo, "bindTo");
    requireNonNull(transport, "transport");
    if (!TYPES.containsKey(type)) {
      throw new IllegalArgumentException("DNS query type must be one of " + TYPES.keySet() + " but was " + type);
    }
    if (!expected.isEmpty() && !type.equals("A") && !type.equals("AAAA")) {
      throw new IllegalArgumentException("expected addresses need type A or AAAA but the type was " + type);
    }
    encodeName(name); // validates
    if (target.port() == 0) {
      throw new IllegalArgumentException("DNS check target needs a port but was " + target);
    }
  }

  /** A check over UDP, falling back to TCP on truncation. */
  public DnsCheck(Endpoint target, String name, String type, List<InetAddress> expected,
      Optional<InetAddress> bindTo) {
    this(target, name, type, expected, bindTo, Transport.UDP);
  }

  /** Queries {@code name} of {@code type}, accepting any answer of that type. */
  public static DnsCheck of(Endpoint target, String name, String type) {
    return new DnsCheck(target, name, type, List.of(), Optional.empty());
  }

  /** The same check requiring one of these addresses in the answer. */
  public DnsCheck expecting(InetAddress... addresses) {
    return new DnsCheck(target, name, type, List.of(addresses), bindTo, transport);
  }

  /** The same query over TCP (RFC 1035 4.2.2: each message behind a two-byte length). */
  public DnsCheck overTcp() {
    return new DnsCheck(target, name, type, expected, bindTo, Transport.TCP);
  }

  static byte[] encodeName(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (!n.isEmpty()) {
      for (String label : n.split("\\.", -1)) {
        byte[] b = label.getBytes(StandardCharsets.US_ASCII);
        if (b.length == 0 || b.length > 63 || !label.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
          throw new IllegalArgumentException("DNS name '" + name + "' has an empty, too long (over 63) or "
              + "non-printable label '" + label + "'");
        }
        out.write(b.length);
        out.write(b, 0, b.length);
      }
    }
    out.write(0);
    if (out.size() > 255) {
      throw new IllegalArgumentException("DNS name '" + name + "' is longer than 255 bytes");
    }
    return out.toByteArray();
  }

  /** The query message for an id (RFC 1035 4.1). */
  byte[] query(int id) {
    byte[] qname = encodeName(name);
    ByteBuffer b = ByteBuffer.allocate(12 + qname.length + 4);
    b.putShort((short) id).putShort((short) 0x0100) // RD
        .putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
    b.put(qname).putShort((short) (int) TYPES.get(type)).putShort((short) 1); // class IN
    return b.array();
  }

  @Override
  public Optional<TlsSettings> tls() {
    return Optional.empty();
  }

  @Override
  public int maxBytes() {
    return 256 * 1024;
  }

  @Override
  public Conversation newConversation() {
    int id = ThreadLocalRandom.current().nextInt(1 << 16); // not semantics: makes replies hard to spoof
    if (transport == Transport.TCP) {
      return new TcpConversation(id);
    }
    return new Conversation() {
      @Override
      public Step onConnected() {
        return Step.send(ByteBuffer.wrap(query(id)));
      }

      @Override
      public Step onReceive(ByteBuffer data, boolean endOfStream) {
        try {
          return judge(data.slice(), id);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
          return Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR, "malformed DNS response: " + e));
        }
      }
    };
  }

  /** RFC 1035 4.2.2: the query and the response each behind a two-byte big-endian length. */
  private final class TcpConversation implements Conversation {
    private final int id;
    private final ByteArrayOutputStream in = new ByteArrayOutputStream();

    TcpConversation(int id) {
      this.id = id;
    }

    @Override
    public Step onConnected() {
      byte[] q = query(id);
      return Step.send(ByteBuffer.allocate(2 + q.length).putShort((short) q.length).put(q).flip());
    }

    @Override
    public Step onReceive(ByteBuffer data, boolean endOfStream) {
      while (data.hasRemaining()) {
        in.write(data.get());
      }
      byte[] got = in.toByteArray();
      if (got.length >= 2) {
        int len = ((got[0] & 0xff) << 8) | (got[1] & 0xff);
        if (got.length >= 2 + len) {
          try {
            Step s = judge(ByteBuffer.wrap(got, 2, len).slice(), id);
            return s instanceof Step.Await
                ? Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR, "DNS message over TCP is not the "
                    + "response to our query (another id, no QR bit, or shorter than " + MIN_ANSWER_BYTES + " bytes)"))
                : s;
          } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            return Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR, "malformed DNS response: " + e));
          }
        }
      }
      return Step.await(); // end of stream before the whole message: the engine reports CLOSED
    }
  }

  /*
   * Header (RFC 1035 4.1.1), 12 bytes:
   *   ID(16) | QR(1) OPCODE(4) AA TC RD RA Z(3) RCODE(4) | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
   * then QDCOUNT questions (name, type, class) and ANCOUNT resource records
   *   (name, type(16), class(16), ttl(32), rdlength(16), rdata).
   */
  private Step judge(ByteBuffer m, int id) {
    // keepalived dns_recv_thread: shorter than 8 bytes, another id, or no QR bit: not the answer, keep waiting
    if (m.remaining() < MIN_ANSWER_BYTES || (m.getShort(0) & 0xffff) != id || (m.getShort(2) & 0x8000) == 0) {
      return Step.await();
    }
    int flags = m.getShort(2) & 0xffff;
    int rcode = flags & 0xf;
    if (rcode != 0) {
      String rc = rcode < RCODES.length ? RCODES[rcode] : Integer.toString(rcode);
      return Step.finish(new CheckResult.Down(DownReason.BAD_STATUS, "rcode " + rc + " for " + name + " " + type));
    }
    if (expected.isEmpty()) { // keepalived: NOERROR is up, nothing else is read
      return Step.finish(CheckResult.Up.of("NOERROR for " + name + " " + type
          + (m.remaining() >= 12 ? " (" + (m.getShort(6) & 0xffff) + " answers)" : "")));
    }
    if ((flags & 0x0200) != 0 && transport == Transport.UDP) { // TC: the answer did not fit a datagram
      return Step.finish(new CheckResult.Down(DownReason.TRUNCATED, "UDP response for " + name + " " + type
          + " truncated (TC)"));
    }
    int qd = m.getShort(4) & 0xffff;
    int an = m.getShort(6) & 0xffff;
    m.position(12);
    for (int i = 0; i < qd; i++) {
      skipName(m);
      m.position(m.position() + 4);
    }
    int want = TYPES.get(type);
    int matching = 0;
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < an; i++) {
      skipName(m);
      int rrType = m.getShort() & 0xffff;
      m.getShort(); // class
      m.getInt(); // ttl
      int len = m.getShort() & 0xffff;
      byte[] rdata = new byte[len];
      m.get(rdata);
      if (rrType != want) {
        continue;
      }
      matching++;
      if ((rrType == 1 && len == 4) || (rrType == 28 && len == 16)) {
        try {
          InetAddress a = InetAddress.getByAddress(rdata);
          if (expected.contains(a)) {
            return Step.finish(CheckResult.Up.of(name + " " + type + " " + a.getHostAddress()));
          }
          addresses.add(a.getHostAddress());
        } catch (UnknownHostException e) {
          throw new IllegalArgumentException("bad address length " + len, e);
        }
      }
    }
    return Step.finish(new CheckResult.Down(DownReason.CONTENT_MISMATCH, matching == 0
        ? "no " + type + " record for " + name + " in " + an + " answers"
        : name + " " + type + " answered " + addresses + ", expected one of "
            + expected.stream().map(InetAddress::getHostAddress).toList()));
  }

  private static void skipName(ByteBuffer m) {
    for (int hops = 0; hops < 128; hops++) {
      int len = m.get() & 0xff;
      if (len == 0) {
        return;
      }
      if ((len & 0xc0) == 0xc0) {
        m.get(); // a compression pointer ends the name here
        return;
      }
      if ((len & 0xc0) != 0) {
        throw new IllegalArgumentException("bad label type " + len);
      }
      m.position(m.position() + len);
    }
    throw new IllegalArgumentException("name with more than 128 labels");
  }

  @Override
  public String describe() {
    return "DNS " + type + " " + name + " at " + target + (transport == Transport.TCP ? " over TCP" : "");
  }
}
