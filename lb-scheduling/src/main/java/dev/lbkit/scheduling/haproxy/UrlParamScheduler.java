package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.nio.charset.StandardCharsets;

/** HAProxy {@code balance url_param}: a query-string (or POST body) parameter picks the server. */
public final class UrlParamScheduler extends HashingScheduler {
  /** The algorithm's name in {@code balance}. */
  public static final String NAME = "url_param";

  /*
   * backend.c get_server_ph and get_server_ph_post, re-expressed. After the first '?' of the target, segments are
   * separated by '&' only; the first one that starts with exactly NAME= gives the value up to the next '&' (an
   * empty value is hashed). Not found and the method is POST: the body received so far is searched the same way,
   * except that only the first byte of the value is checked: an HTTP token character lets the value run to the
   * next '&' or the end, a space/tab/CR/LF makes it empty, anything else means "not found". Not found: fallback
   * round robin. Unlike the other hash algorithms there is no one-server shortcut.
   */
  private final byte[] param;

  UrlParamScheduler(HaproxyBackend backend, HashType hashType, String param) {
    super(backend, hashType);
    this.param = param.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The parameter name. */
  public String parameter() {
    return new String(param, StandardCharsets.ISO_8859_1);
  }

  @Override
  Long hashOf(Request request, byte[] body) {
    byte[] uri = request.uri().getBytes(StandardCharsets.ISO_8859_1);
    int q = indexOf(uri, (byte) '?', 0, uri.length);
    if (q >= 0) {
      Long h = search(uri, q + 1, uri.length, false);
      if (h != null) {
        return h;
      }
    }
    if (request.methodUpperCase().equals("POST") && body.length > 0) {
      return search(body, 0, body.length, true);
    }
    return null;
  }

  private Long search(byte[] data, int from, int to, boolean isBody) {
    int plen = param.length;
    int params = from;
    int remaining = to - from;
    while (remaining > plen) {
      if (data[params + plen] == '=' && regionEquals(data, params)) {
        int start = params + plen + 1;
        int end = start;
        remaining -= plen + 1;
        while (remaining > 0 && data[end] != '&') {
          if (isBody && !isToken(data[start])) {
            if (isLinearWhitespace(data[start])) {
              break;
            }
            return null;
          }
          remaining--;
          end++;
        }
        return hash(data, start, end - start);
      }
      int amp = indexOf(data, (byte) '&', params, params + remaining);
      if (amp < 0) {
        return null;
      }
      remaining -= amp + 1 - params;
      params = amp + 1;
    }
    return null;
  }

  private boolean regionEquals(byte[] data, int at) {
    for (int i = 0; i < param.length; i++) {
      if (data[at + i] != param[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] data, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** RFC 7230 tchar. */
  static boolean isToken(byte b) {
    int c = b & 0xff;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static boolean isLinearWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }
}
