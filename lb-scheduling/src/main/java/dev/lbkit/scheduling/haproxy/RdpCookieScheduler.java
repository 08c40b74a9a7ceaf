package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** HAProxy {@code balance rdp-cookie(name)}: the RDP routing cookie of a TCP connection picks the server. */
public final class RdpCookieScheduler extends HashingScheduler {
  /** The algorithm's name in {@code balance}, without its argument. */
  public static final String NAME = "rdp-cookie";

  /*
   * backend.c get_server_rch with payload.c's RDP cookie fetch, re-expressed. The cookie value is the request's
   * rdpCookie (see cookieValue for extracting it from the first bytes of the connection). A missing or empty
   * value falls back to round robin; with one server in use the value is not hashed and hash 0 is looked up.
   */
  private final String cookie;

  RdpCookieScheduler(HaproxyBackend backend, HashType hashType, String cookie) {
    super(backend, hashType);
    this.cookie = cookie;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The cookie name ({@code mstshash} by default). */
  public String cookie() {
    return cookie;
  }

  @Override
  Long hashOf(Request request, byte[] body) {
    Optional<String> value = request.rdpCookie();
    if (value.isEmpty() || value.get().isEmpty()) {
      return null;
    }
    if (singleServer()) {
      return 0L;
    }
    byte[] v = value.get().getBytes(StandardCharsets.ISO_8859_1);
    return hash(v, 0, v.length);
  }

  /**
   * Extracts the cookie value from the first bytes a client sent (an X.224 Connection Request): more than 11
   * bytes, {@code Cookie:} (any case) at offset 11, optional spaces, {@code NAME=} (any case), then the value up to
   * a CR that must be followed by LF.
   *
   * @return the value (possibly empty), or empty when the payload carries no well-formed cookie of that name
   */
  public static Optional<String> cookieValue(byte[] payload, String name) {
    int p = 11;
    if (payload.length <= p) {
      return Optional.empty();
    }
    byte[] prefix = "cookie:".getBytes(StandardCharsets.ISO_8859_1);
    if (!startsWithIgnoreCase(payload, p, prefix)) {
      return Optional.empty();
    }
    p += prefix.length;
    while (p < payload.length && payload[p] == ' ') {
      p++;
    }
    byte[] key = (name + "=").toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
    if (!startsWithIgnoreCase(payload, p, key)) {
      return Optional.empty();
    }
    p += key.length;
    int start = p;
    while (p < payload.length && payload[p] != '\r') {
      p++;
    }
    if (p + 1 >= payload.length || payload[p + 1] != '\n') {
      return Optional.empty();
    }
    return Optional.of(new String(payload, start, p - start, StandardCharsets.ISO_8859_1));
  }

  private static boolean startsWithIgnoreCase(byte[] data, int at, byte[] lowerPrefix) {
    if (at + lowerPrefix.length > data.length) {
      return false;
    }
    for (int i = 0; i < lowerPrefix.length; i++) {
      int c = data[at + i] & 0xff;
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerPrefix[i]) {
        return false;
      }
    }
    return true;
  }
}
