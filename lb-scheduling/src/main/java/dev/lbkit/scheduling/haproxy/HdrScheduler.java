package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** HAProxy {@code balance hdr(name)}: an HTTP header's value picks the server. */
public final class HdrScheduler extends HashingScheduler {
  /** The algorithm's name in {@code balance}, without its argument. */
  public static final String NAME = "hdr";

  /*
   * backend.c get_server_hh, re-expressed. The first header line with the name (any case) is used, and only its
   * first comma-separated element, trimmed of spaces and tabs (a comma inside a double-quoted string, with
   * backslash escapes, does not split). Absent or empty: fallback round robin. use_domain_only keeps, scanning
   * back from the end, the label between the last dot and the dot before it; the first byte is never taken for
   * a dot, so ".com" stays whole and "example.com" gives "example". With one server in use HAProxy skips all of
   * this and looks up hash 0, even when the header is missing.
   */
  private final String header;
  private final boolean useDomainOnly;

  HdrScheduler(HaproxyBackend backend, HashType hashType, String header, boolean useDomainOnly) {
    super(backend, hashType);
    this.header = header;
    this.useDomainOnly = useDomainOnly;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The header name. */
  public String header() {
    return header;
  }

  @Override
  Long hashOf(Request request, byte[] body) {
    if (singleServer()) {
      return 0L;
    }
    Optional<String> element = firstElement(request.headerValues(header));
    if (element.isEmpty()) {
      return null;
    }
    byte[] v = element.get().getBytes(StandardCharsets.ISO_8859_1);
    if (!useDomainOnly) {
      return hash(v, 0, v.length);
    }
    int n = v.length;
    int p = n;
    int end = n;
    boolean inDomain = false;
    for (int len = n; len > 0; len--, p--) {
      if (inDomain) {
        if (v[p - 1] == '.') {
          break;
        }
      } else if (p < n && v[p] == '.') {
        end = p;
        inDomain = true;
      }
    }
    return hash(v, p, end - p);
  }

  /** The first comma-separated element of the first line, trimmed; empty when absent or empty. */
  static Optional<String> firstElement(List<String> lines) {
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    String line = lines.get(0);
    int end = 0;
    boolean quoted = false;
    while (end < line.length()) {
      char c = line.charAt(end);
      if (quoted) {
        if (c == '\\' && end + 1 < line.length()) {
          end++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        break;
      }
      end++;
    }
    int start = 0;
    while (start < end && isSpace(line.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(line.charAt(end - 1))) {
      end--;
    }
    return start == end ? Optional.empty() : Optional.of(line.substring(start, end));
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
