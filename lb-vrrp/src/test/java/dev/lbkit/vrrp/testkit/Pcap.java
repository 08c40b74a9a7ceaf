package dev.lbkit.vrrp.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads classic pcap files (Ethernet) and pulls out IPv4/IPv6 datagrams of IP protocol 112, or the VRRP inside IPv4
 * IPsec-AH (protocol 51). Test code only.
 */
public final class Pcap {
  /** One VRRP datagram from a capture, with the IP header fields the codec needs. */
  public record IpDatagram(long nanos, InetAddress source, InetAddress destination, int ttl, int tos,
      byte[] payload) {}

  private Pcap() {}

  /** All IP protocol 112 datagrams in a pcap file (microsecond or nanosecond), in capture order. */
  public static List<IpDatagram> vrrpDatagrams(java.nio.file.Path file) throws IOException {
    return parse(java.nio.file.Files.readAllBytes(file), false);
  }

  /**
   * The VRRP messages of keepalived's IPsec-AH mode in a pcap file: IPv4 protocol 51 datagrams whose AH header says
   * next header 112, each with the VRRP message after the AH header as its payload (not verified), in capture order.
   */
  public static List<IpDatagram> ahVrrpDatagrams(java.nio.file.Path file) throws IOException {
    return parse(java.nio.file.Files.readAllBytes(file), true);
  }

  /** All IP protocol 112 datagrams in a classpath resource, in capture order. */
  public static List<IpDatagram> vrrpDatagrams(String resource) {
    try (InputStream in = Pcap.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + resource);
      }
      return parse(in.readAllBytes(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whole IPv4 datagrams (header included) of one IP protocol in a classpath resource, in capture order: for the
   * IPsec-AH vectors, whose ICV covers the IP header.
   */
  public static List<byte[]> ipv4Datagrams(String resource, int protocol) {
    try (InputStream in = Pcap.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + resource);
      }
      return ipv4Datagrams(in.readAllBytes(), protocol);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As {@link #ipv4Datagrams(String, int)}, from a file. */
  public static List<byte[]> ipv4Datagrams(java.nio.file.Path file, int protocol) throws IOException {
    return ipv4Datagrams(java.nio.file.Files.readAllBytes(file), protocol);
  }

  private static List<byte[]> ipv4Datagrams(byte[] file, int protocol) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] frame : frames(file)) {
      ByteBuffer f = ByteBuffer.wrap(frame);
      if ((f.getShort(12) & 0xffff) == 0x0800 && (frame[23] & 0xff) == protocol) {
        out.add(Arrays.copyOfRange(frame, 14, 14 + (f.getShort(16) & 0xffff)));
      }
    }
    return out;
  }

  /** One captured Ethernet frame and its capture time in nanoseconds. */
  public record Frame(long nanos, byte[] bytes) {
    /** The EtherType, or -1 for a runt. */
    public int etherType() {
      return bytes.length < 14 ? -1 : ((bytes[12] & 0xff) << 8) | (bytes[13] & 0xff);
    }

    /** The source MAC address. */
    public byte[] sourceMac() {
      return Arrays.copyOfRange(bytes, 6, 12);
    }
  }

  /**
   * Every Ethernet frame of a pcap file (microsecond or nanosecond), in capture order; a last record cut short by
   * stopping tcpdump is left out.
   */
  public static List<Frame> timedFrames(java.nio.file.Path file) throws IOException {
    return timedFrames(java.nio.file.Files.readAllBytes(file));
  }

  private static List<Frame> timedFrames(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(0);
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      b.order(ByteOrder.BIG_ENDIAN);
      magic = b.getInt(0);
      if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
        throw new IllegalArgumentException("not a classic pcap");
      }
    }
    long unit = magic == 0xa1b23c4d ? 1 : 1_000;
    if (b.getInt(20) != 1) {
      throw new IllegalArgumentException("link type " + b.getInt(20) + " is not Ethernet");
    }
    b.position(24);
    List<Frame> out = new ArrayList<>();
    while (b.remaining() >= 16) {
      long sec = b.getInt() & 0xffffffffL;
      long frac = b.getInt() & 0xffffffffL;
      int caplen = b.getInt();
      b.getInt();
      if (caplen > b.remaining()) {
        break;
      }
      byte[] frame = new byte[caplen];
      b.get(frame);
      out.add(new Frame(sec * 1_000_000_000L + frac * unit, frame));
    }
    return out;
  }

  private static List<byte[]> frames(byte[] file) {
    return timedFrames(file).stream().map(Frame::bytes).toList();
  }

  private static List<IpDatagram> parse(byte[] file, boolean ah) throws UnknownHostException {
    List<IpDatagram> out = new ArrayList<>();
    for (Frame timed : timedFrames(file)) {
      long nanos = timed.nanos();
      byte[] frame = timed.bytes();
      ByteBuffer f = ByteBuffer.wrap(frame);
      int etherType = f.getShort(12) & 0xffff;
      if (etherType == 0x0800) {
        int ihl = (frame[14] & 0x0f) * 4;
        int total = f.getShort(16) & 0xffff;
        int start = 14 + ihl;
        if (ah) {
          // AH: next header, then its length in 32-bit words minus 2 (RFC 4302)
          if ((frame[23] & 0xff) != 51 || (frame[start] & 0xff) != 112) {
            continue;
          }
          start += ((frame[start + 1] & 0xff) + 2) * 4;
        } else if ((frame[23] & 0xff) != 112) {
          continue;
        }
        out.add(new IpDatagram(nanos,
            InetAddress.getByAddress(Arrays.copyOfRange(frame, 26, 30)),
            InetAddress.getByAddress(Arrays.copyOfRange(frame, 30, 34)), frame[22] & 0xff, frame[15] & 0xff,
            Arrays.copyOfRange(frame, start, 14 + total)));
      } else if (etherType == 0x86dd && !ah) {
        int payloadLen = f.getShort(18) & 0xffff;
        if ((frame[20] & 0xff) != 112) {
          continue;
        }
        int tclass = ((f.getShort(14) & 0x0ff0) >>> 4);
        out.add(new IpDatagram(nanos,
            InetAddress.getByAddress(Arrays.copyOfRange(frame, 22, 38)),
            InetAddress.getByAddress(Arrays.copyOfRange(frame, 38, 54)), frame[21] & 0xff, tclass,
            Arrays.copyOfRange(frame, 54, 54 + payloadLen)));
      }
    }
    return out;
  }
}
