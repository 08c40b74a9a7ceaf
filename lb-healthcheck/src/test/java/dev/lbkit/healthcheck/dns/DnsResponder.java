package dev.lbkit.healthcheck.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real UDP DNS responder on loopback for tests: every query it receives is handed to a script that returns the
 * datagrams to send back, in order (none: stay silent). It keeps the queries it saw. Close it to stop.
 */
public final class DnsResponder implements AutoCloseable {
  static final int NOERROR = 0;
  static final int SERVFAIL = 2;
  static final int NXDOMAIN = 3;

  /**
   * The answering behaviours KeepalivedChecksLabIT puts before real keepalived and lbkit alike; the lab script
   * (src/test/lab/keepalived-checks.sh) has the same ones under the same names, written in Python.
   */
  public static final List<String> MODES = List.of("noerror", "nxdomain", "servfail", "wrongid", "noqr", "tc",
      "short8", "short7", "otherq", "wrongthenright");

  /** A responder behaving as {@code mode} (one of {@link #MODES}). */
  public static DnsResponder start(String mode) throws IOException {
    return new DnsResponder(q -> switch (mode) {
      case "noerror" -> List.of(reply(q, NOERROR, 0));
      case "nxdomain" -> List.of(reply(q, NXDOMAIN, 0));
      case "servfail" -> List.of(reply(q, SERVFAIL, 0));
      case "wrongid" -> List.of(withId(reply(q, NOERROR, 0), id(q) ^ 0xffff));
      case "noqr" -> List.of(q);
      case "tc" -> List.of(withFlags(reply(q, NOERROR, 0), 0x0200));
      case "short8" -> List.of(Arrays.copyOf(reply(q, NOERROR, 0), 8));
      case "short7" -> List.of(Arrays.copyOf(reply(q, NOERROR, 0), 7));
      case "otherq" -> List.of(otherQuestion(q));
      case "wrongthenright" -> List.of(withId(reply(q, NOERROR, 0), id(q) ^ 0xffff), reply(q, NOERROR, 0));
      default -> throw new IllegalArgumentException("no DNS responder mode " + mode);
    });
  }

  /** NOERROR with our id, asking (and answering nothing about) other.example A. */
  private static byte[] otherQuestion(byte[] q) {
    byte[] name = {5, 'o', 't', 'h', 'e', 'r', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
    return ByteBuffer.allocate(12 + name.length + 4).put(q, 0, 2).putShort((short) 0x8180).putShort((short) 1)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0).put(name).putShort((short) 1)
        .putShort((short) 1).array();
  }

  private final DatagramSocket socket;
  private final List<byte[]> queries = new CopyOnWriteArrayList<>();

  DnsResponder(Function<byte[], List<byte[]>> script) throws IOException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> serve(script), "dns-responder");
    t.setDaemon(true);
    t.start();
  }

  private void serve(Function<byte[], List<byte[]>> script) {
    byte[] buf = new byte[1500];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        byte[] q = Arrays.copyOf(p.getData(), p.getLength());
        queries.add(q);
        for (byte[] r : script.apply(q)) {
          socket.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  List<byte[]> queries() {
    return List.copyOf(queries);
  }

  /**
   * The query turned into a response: QR and RA set (RD kept), {@code rcode}, the question echoed, and
   * {@code answers} A records of 192.0.2.7 pointing at the question's name.
   */
  static byte[] reply(byte[] query, int rcode, int answers) {
    ByteBuffer b = ByteBuffer.allocate(query.length + answers * 16);
    b.put(query);
    int flags = (query[2] & 0xff) << 8 | (query[3] & 0xff);
    b.putShort(2, (short) (flags | 0x8080 | rcode)).putShort(6, (short) answers);
    for (int i = 0; i < answers; i++) {
      b.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
          .put(new byte[] {(byte) 192, 0, 2, 7});
    }
    return b.array();
  }

  /** The same message with the id changed. */
  static byte[] withId(byte[] message, int id) {
    byte[] m = message.clone();
    m[0] = (byte) (id >> 8);
    m[1] = (byte) id;
    return m;
  }

  /** The same message with these header flag bits set. */
  static byte[] withFlags(byte[] message, int bits) {
    byte[] m = message.clone();
    int flags = ((m[2] & 0xff) << 8 | (m[3] & 0xff)) | bits;
    m[2] = (byte) (flags >> 8);
    m[3] = (byte) flags;
    return m;
  }

  static int id(byte[] message) {
    return (message[0] & 0xff) << 8 | (message[1] & 0xff);
  }

  @Override
  public void close() {
    socket.close();
  }
}
