package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** HAProxy {@code balance hash <expr>}: a sample expression's bytes pick the server. */
public final class HashExprScheduler extends HashingScheduler {
  /** The algorithm's name in {@code balance}. */
  public static final String NAME = "hash";

  /*
   * backend.c get_server_expr, re-expressed: the sample is fetched as binary and hashed with the hash-type's
   * function (+avalanche), then map or ring lookup; no sample means fallback round robin, and with one server in
   * use hash 0 is looked up without fetching. The sample fetches supported here, with HAProxy 2.6's semantics:
   *   src             the client address bytes (4 for IPv4, 16 for IPv6), hashed (unlike balance source)
   *   path            the request path without the query string (absent for "*")
   *   req.hdr(NAME)   the last comma-separated element of the last NAME line, trimmed; an empty one is hashed
   *   url_param(NAME) after the first '?', the value of the first NAME= parameter; '&', ';' and '?' separate
   * Other expressions are refused at configuration time.
   */
  enum Fetch { SRC, PATH, REQ_HDR, URL_PARAM }

  private final Fetch fetch;
  private final String argument;
  private final String expression;

  HashExprScheduler(HaproxyBackend backend, HashType hashType, String expression) {
    super(backend, hashType);
    this.expression = expression;
    String e = expression.trim();
    String lower = e.toLowerCase(Locale.ROOT);
    if (lower.equals("src")) {
      fetch = Fetch.SRC;
      argument = null;
    } else if (lower.equals("path")) {
      fetch = Fetch.PATH;
      argument = null;
    } else if (lower.startsWith("req.hdr(") || lower.startsWith("hdr(")) {
      fetch = Fetch.REQ_HDR;
      argument = argumentOf(e);
    } else if (lower.startsWith("url_param(") || lower.startsWith("urlp(")) {
      fetch = Fetch.URL_PARAM;
      argument = argumentOf(e);
    } else {
      throw new IllegalArgumentException("balance hash: unsupported sample expression '" + expression
          + "'; supported are src, path, req.hdr(<name>) and url_param(<name>)");
    }
  }

  private static String argumentOf(String e) {
    int open = e.indexOf('(');
    if (!e.endsWith(")") || e.indexOf(')') != e.length() - 1) {
      throw new IllegalArgumentException("balance hash " + e + ": missing ')' or text after it");
    }
    String arg = e.substring(open + 1, e.length() - 1).trim();
    if (arg.isEmpty() || arg.contains(",")) {
      throw new IllegalArgumentException("balance hash " + e + ": expected exactly one name between parentheses");
    }
    return arg;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The sample expression. */
  public String expression() {
    return expression;
  }

  @Override
  Long hashOf(Request request, byte[] body) {
    if (singleServer()) {
      return 0L;
    }
    byte[] key;
    switch (fetch) {
      case SRC:
        key = request.flow().source().getAddress();
        break;
      case PATH: {
        byte[] uri = request.uri().getBytes(StandardCharsets.ISO_8859_1);
        int start = UriScheduler.pathStart(uri);
        if (start < 0) {
          return null;
        }
        int end = start;
        while (end < uri.length && uri[end] != '?') {
          end++;
        }
        return hash(uri, start, end - start);
      }
      case REQ_HDR: {
        List<String> lines = request.headerValues(argument);
        if (lines.isEmpty()) {
          return null;
        }
        String last = lines.get(lines.size() - 1);
        int comma = lastUnquotedComma(last);
        key = last.substring(comma + 1).strip().getBytes(StandardCharsets.ISO_8859_1);
        break;
      }
      case URL_PARAM: {
        String value = urlParam(request.uri(), argument);
        if (value == null) {
          return null;
        }
        key = value.getBytes(StandardCharsets.ISO_8859_1);
        break;
      }
      default:
        throw new AssertionError(fetch);
    }
    return hash(key, 0, key.length);
  }

  private static int lastUnquotedComma(String s) {
    int last = -1;
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        last = i;
      }
    }
    return last;
  }

  private static boolean separator(char c) {
    return c == '&' || c == ';' || c == '?';
  }

  /** The value of the first {@code name=} parameter after the first '?', or null. */
  static String urlParam(String uri, String name) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return null;
    }
    int i = q + 1;
    while (i <= uri.length()) {
      int end = i;
      while (end < uri.length() && !separator(uri.charAt(end))) {
        end++;
      }
      String segment = uri.substring(i, end);
      if (segment.startsWith(name + "=")) {
        return segment.substring(name.length() + 1);
      }
      i = end + 1;
    }
    return null;
  }
}
