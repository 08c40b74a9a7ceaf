package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.nio.charset.StandardCharsets;

/** HAProxy {@code balance uri}: the request target (or a prefix of it) picks the server. */
public final class UriScheduler extends HashingScheduler {
  /** The algorithm's name in {@code balance}. */
  public static final String NAME = "uri";

  /*
   * backend.c get_server_uh, re-expressed. The key is the request target as sent. With path-only, an
   * absolute-form target (scheme://authority/rest) is first reduced to /rest and anything that is neither
   * origin-form nor absolute-form to the empty string. Then len N keeps the first N bytes; scanning from the start,
   * the key stops before the (depth+1)-th '/' when depth is set and before the first '?' unless whole is set.
   * A target always yields a key, so uri never falls back. With one server in use the key is 0.
   */
  private final int len;
  private final int depth;
  private final boolean whole;
  private final boolean pathOnly;

  UriScheduler(HaproxyBackend backend, HashType hashType, int len, int depth, boolean whole, boolean pathOnly) {
    super(backend, hashType);
    this.len = len;
    this.depth = depth;
    this.whole = whole;
    this.pathOnly = pathOnly;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  Long hashOf(Request request, byte[] body) {
    if (singleServer()) {
      return 0L;
    }
    byte[] uri = request.uri().getBytes(StandardCharsets.ISO_8859_1);
    int start = 0;
    int length = uri.length;
    if (pathOnly) {
      int p = pathStart(uri);
      if (p < 0) {
        length = 0;
      } else {
        start = p;
        length = uri.length - p;
      }
    }
    if (len > 0) {
      length = Math.min(length, len);
    }
    int end = start;
    int slashes = 0;
    for (int i = 0; i < length; i++) {
      byte c = uri[start + i];
      if (c == '/') {
        slashes++;
        if (slashes == depth + 1 && depth > 0) {
          break;
        }
      } else if (c == '?' && !whole) {
        break;
      }
      end++;
    }
    return hash(uri, start, end - start);
  }

  /** Where the path of a request target starts, or -1 if it has none (HAProxy's http_get_path). */
  static int pathStart(byte[] uri) {
    if (uri.length == 0) {
      return -1;
    }
    if (uri[0] == '/') {
      return 0;
    }
    int i = 0;
    while (i < uri.length && isSchemeChar(uri[i])) {
      i++;
    }
    if (i + 3 > uri.length || uri[i] != ':' || uri[i + 1] != '/' || uri[i + 2] != '/') {
      return -1;
    }
    i += 3;
    while (i < uri.length && uri[i] != '/') {
      i++;
    }
    return i < uri.length ? i : -1;
  }

  private static boolean isSchemeChar(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-'
        || c == '.';
  }
}
