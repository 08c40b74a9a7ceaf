package dev.lbkit.ipvs;

import dev.lbkit.api.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's IPVS connection table. IPVS's generic netlink interface has no command that lists connections; the
 * kernel shows them only in {@code /proc/net/ip_vs_conn} of the reader's network namespace, which is where
 * {@code ipvsadm -L -c} reads them too. Reading needs no privilege.
 */
public final class IpvsConnections {
  /** Where the kernel shows the connection table of the caller's network namespace. */
  public static final Path PROC_FILE = Path.of("/proc/net/ip_vs_conn");

  private static final String OPERATION = "list connections";

  private IpvsConnections() {}

  /**
   * The connection table of the caller's network namespace, in the kernel's (hash) order.
   *
   * @throws IpvsUnavailableException if the kernel shows no table (the {@code ip_vs} module is not loaded)
   * @throws IpvsException if the file cannot be read or holds a line this parser does not understand
   */
  public static List<IpvsConnection> read() throws IpvsException {
    String text;
    try {
      text = Files.readString(PROC_FILE, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IpvsUnavailableException(OPERATION, 2, PROC_FILE + " does not exist: the kernel has no IPVS"
          + " (load the ip_vs module: modprobe ip_vs)", e);
    } catch (IOException e) {
      throw new IpvsException(OPERATION, 0, "cannot read " + PROC_FILE + ": " + e.getMessage(), e);
    }
    return parse(text);
  }

  /**
   * Parses the text of {@code /proc/net/ip_vs_conn}: a header line, then one line per connection with the protocol,
   * client, virtual and destination addresses (IPv4 as 8 hex digits in network order, IPv6 as the kernel's
   * {@code %pI6} colon form) with 4-hex-digit ports, the state, the seconds to expiry and optionally the
   * persistence engine's name and data.
   *
   * @throws IpvsException naming the line and its text when a line does not have that shape
   */
  public static List<IpvsConnection> parse(String text) throws IpvsException {
    List<IpvsConnection> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    if (lines.length == 0 || !lines[0].startsWith("Pro ")) {
      throw malformed(1, lines.length == 0 ? "" : lines[0], "expected the header line starting with \"Pro \"");
    }
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split(" +");
      if (f.length < 9) {
        throw malformed(i + 1, line, "expected at least 9 fields, found " + f.length);
      }
      try {
        Endpoint client = endpoint(f[1], f[2]);
        Endpoint virtual = endpoint(f[3], f[4]);
        Endpoint destination = endpoint(f[5], f[6]);
        long expires = Long.parseLong(f[8]);
        out.add(new IpvsConnection(f[0], client, virtual, destination, f[7], expires, f.length > 9 ? f[9] : "",
            f.length > 10 ? f[10] : ""));
      } catch (IllegalArgumentException e) {
        throw malformed(i + 1, line, e.getMessage());
      }
    }
    return out;
  }

  private static Endpoint endpoint(String address, String port) {
    int p = Integer.parseInt(port, 16);
    if (port.length() != 4) {
      throw new IllegalArgumentException("port " + port + " is not 4 hex digits");
    }
    return new Endpoint(address(address), p);
  }

  private static InetAddress address(String text) {
    if (text.indexOf(':') >= 0) {
      return Endpoint.parseAddress(text);
    }
    if (text.length() != 8) {
      throw new IllegalArgumentException("address " + text + " is neither 8 hex digits nor IPv6");
    }
    long v = Long.parseLong(text, 16);
    byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }

  private static IpvsException malformed(int line, String text, String why) {
    return new IpvsException(OPERATION, 0, PROC_FILE + " line " + line + ": " + why + ": \"" + text + "\"", null);
  }
}
