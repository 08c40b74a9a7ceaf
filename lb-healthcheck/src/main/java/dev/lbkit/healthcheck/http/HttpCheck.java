package dev.lbkit.healthcheck.http;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.NetworkCheck;
import dev.lbkit.healthcheck.TlsSettings;
import dev.lbkit.healthcheck.Transport;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * keepalived {@code HTTP_GET}/{@code SSL_GET} (one {@code url} block) and HAProxy {@code option httpchk} with
 * {@code http-check expect}: send one request, judge the status line and, when asked, the body.
 *
 * <p>All configured criteria must hold: the status is in {@link #statusCodes()} (keepalived {@code status_code});
 * it satisfies every {@link #statusExpects()} rule (HAProxy {@code expect [!] status|rstatus}); the MD5 of the body equals
 * {@link #digest()} (keepalived {@code digest}: the hex MD5 of the bytes after the header block, after undoing
 * chunked transfer coding); the body satisfies every {@link #bodyExpects()} rule (HAProxy
 * {@code expect [!] string|rstring}). As in HAProxy 2.2 and later, {@code expect} rules add up: each must hold.
 * The body is read only when a body criterion needs it, and never past {@link #maxBytes()}. For several url blocks
 * wrap several checks in an {@link dev.lbkit.healthcheck.AllOf}.
 *
 * <p>Defaults follow the product the criteria come from: with no HAProxy expect rule the status must be 2xx
 * (keepalived); once an expect rule is given and {@link Builder#statusCodes} is not, only the rules judge, as in
 * HAProxy (whose own 2xx/3xx default applies only when no expect rule exists: use
 * {@link StatusCodes#SUCCESS_OR_REDIRECT} for it). As in HAProxy 2.6, a body rule, negated or not, fails on a
 * response without a body.
 *
 * <pre>{@code
 * HttpCheck check = HttpCheck.builder(Endpoint.parse("10.0.0.2:443"))
 *     .path("/health").virtualHost("www.example.com").statusCodes(StatusCodes.parse("200-299,503"))
 *     .tls(TlsSettings.builder().serverName("www.example.com").build())
 *     .build();
 * }</pre>
 */
public final class HttpCheck implements NetworkCheck {
  /** Default cap on bytes read per attempt. */
  public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
  /** Cap on the response head (status line and headers). */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Endpoint target;
  private final String method;
  private final String path;
  private final String version;
  private final Optional<String> virtualHost;
  private final List<Map.Entry<String, String>> headers;
  private final StatusCodes statusCodes;
  private final List<StatusExpect> statusExpects;
  private final Optional<String> digest;
  private final List<BodyExpect> bodyExpects;
  private final Optional<TlsSettings> tls;
  private final Optional<InetAddress> bindTo;
  private final int maxBytes;
  private final boolean haproxyRequest;
  private final byte[] body;
  private final byte[] request;

  private HttpCheck(Builder b) {
    this.target = b.target;
    this.method = b.method;
    this.path = b.path;
    this.version = b.version;
    this.virtualHost = b.virtualHost;
    this.headers = List.copyOf(b.headers);
    boolean haproxyRules = !b.statusExpects.isEmpty() || !b.bodyExpects.isEmpty();
    this.statusCodes = b.statusCodes != null ? b.statusCodes : haproxyRules ? StatusCodes.ANY
        : b.haproxyRequest ? StatusCodes.SUCCESS_OR_REDIRECT : StatusCodes.SUCCESS;
    this.statusExpects = List.copyOf(b.statusExpects);
    this.digest = b.digest;
    this.bodyExpects = List.copyOf(b.bodyExpects);
    this.tls = b.tls;
    this.bindTo = b.bindTo;
    this.maxBytes = b.maxBytes;
    this.haproxyRequest = b.haproxyRequest;
    this.body = b.body;
    this.request = haproxyRequest ? buildHaproxyRequest() : buildRequest();
  }

  /** A GET of {@code /} over HTTP/1.0 accepting any 2xx (keepalived's defaults). */
  public static Builder builder(Endpoint target) {
    return new Builder(target);
  }

  /**
   * HAProxy's {@code option httpchk}: a builder that starts from HAProxy's defaults and sends the request as
   * HAProxy 2.6 does. Defaults: {@code OPTIONS / HTTP/1.0}, and with no expect rule any 2xx or 3xx passes.
   *
   * <p>The request carries only what the operator configured, as HAProxy's {@code http-check send} does: the request
   * line, then {@link Builder#virtualHost} as {@code host}, then each {@link Builder#header}, with header names in
   * lower case; then {@code content-length} when a {@link Builder#body} is given, and {@code connection: close} for
   * HTTP/1.1 (HTTP/1.0 closes by default, and HAProxy adds nothing). No {@code Host} is made up and no
   * {@code User-Agent} is sent. So {@code option httpchk GET /x HTTP/1.1} with {@code http-check send hdr Host
   * www.example.com} is {@code HttpCheck.haproxy(t).method("GET").path("/x").version("HTTP/1.1")
   * .virtualHost("www.example.com")}, byte for byte (HaproxyHttpchkRequestIT compares them on a real HAProxy).
   *
   * <p>For {@code check-ssl} give {@link Builder#tls} settings with
   * {@link TlsSettings.Builder#addressCheck addressCheck(false)}: HAProxy checks a certificate's names only against
   * its {@code check-sni} ({@link TlsSettings.Builder#serverName}) or {@code verifyhost}
   * ({@link TlsSettings.Builder#verifyHost}); HaproxyHttpsCheckIT compares them.
   */
  public static Builder haproxy(Endpoint target) {
    Builder b = new Builder(target);
    b.method = "OPTIONS";
    b.haproxyRequest = true;
    return b;
  }

  private byte[] buildRequest() {
    String host = virtualHost.orElseGet(() -> target.family() == AddressFamily.IPV6
        ? "[" + Endpoint.toAddrString(target.address()) + "]:" + target.port()
        : Endpoint.toAddrString(target.address()) + ":" + target.port());
    StringBuilder b = new StringBuilder();
    b.append(method).append(' ').append(path).append(' ').append(version).append("\r\n");
    b.append("Host: ").append(host).append("\r\n");
    b.append("User-Agent: lbkit-healthcheck\r\n");
    b.append("Connection: close\r\n");
    for (Map.Entry<String, String> h : headers) {
      b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    if (body.length > 0) {
      b.append("Content-Length: ").append(body.length).append("\r\n");
    }
    b.append("\r\n");
    return withBody(b);
  }

  /** HAProxy 2.6's {@code http-check send} request: only what was configured; see {@link #haproxy}. */
  private byte[] buildHaproxyRequest() {
    StringBuilder b = new StringBuilder();
    b.append(method).append(' ').append(path).append(' ').append(version).append("\r\n");
    virtualHost.ifPresent(h -> b.append("host: ").append(h).append("\r\n"));
    for (Map.Entry<String, String> h : headers) {
      b.append(h.getKey().toLowerCase(Locale.ROOT)).append(": ").append(h.getValue()).append("\r\n");
    }
    if (body.length > 0) {
      b.append("content-length: ").append(body.length).append("\r\n");
    }
    if (version.equals("HTTP/1.1")) {
      b.append("connection: close\r\n");
    }
    b.append("\r\n");
    return withBody(b);
  }

  private byte[] withBody(StringBuilder head) {
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** The request as sent. */
  public byte[] request() {
    return request.clone();
  }

  @Override
  public Endpoint target() {
    return target;
  }

  /** Whether the request is shaped as HAProxy sends it ({@link #haproxy}) rather than as keepalived does. */
  public boolean haproxyRequest() {
    return haproxyRequest;
  }

  /** The request body ({@code http-check send body}), empty by default. */
  public byte[] body() {
    return body.clone();
  }

  /** The request method, {@code GET} by default ({@code OPTIONS} for {@link #haproxy}). */
  public String method() {
    return method;
  }

  /** The request target (keepalived {@code path}, HAProxy's URI). */
  public String path() {
    return path;
  }

  /** {@code HTTP/1.0} or {@code HTTP/1.1}. */
  public String version() {
    return version;
  }

  /**
   * keepalived {@code virtualhost}, HAProxy {@code hdr Host}: the Host header; when empty a keepalived-style request
   * sends the target's address and port, an {@link #haproxy} one sends no Host.
   */
  public Optional<String> virtualHost() {
    return virtualHost;
  }

  /** The accepted statuses. */
  public StatusCodes statusCodes() {
    return statusCodes;
  }

  /** HAProxy {@code expect [!] status|rstatus} rules, in order. */
  public List<StatusExpect> statusExpects() {
    return statusExpects;
  }

  /** keepalived {@code digest}, lower-case hex MD5. */
  public Optional<String> digest() {
    return digest;
  }

  /** HAProxy {@code expect [!] string|rstring} rules, in order. */
  public List<BodyExpect> bodyExpects() {
    return bodyExpects;
  }

  @Override
  public Transport transport() {
    return Transport.TCP;
  }

  @Override
  public Optional<TlsSettings> tls() {
    return tls;
  }

  @Override
  public Optional<InetAddress> bindTo() {
    return bindTo;
  }

  @Override
  public int maxBytes() {
    return maxBytes;
  }

  /** Whether a criterion needs the body. */
  boolean needsBody() {
    return digest.isPresent() || !bodyExpects.isEmpty();
  }

  @Override
  public Conversation newConversation() {
    return new HttpConversation(this, request);
  }

  @Override
  public String describe() {
    return (tls.isPresent() ? "HTTPS " : "HTTP ") + method + " " + path + " on " + target
        + virtualHost.map(v -> " (Host " + v + ")").orElse("");
  }

  @Override
  public String toString() {
    return describe();
  }

  /** Builds an {@link HttpCheck}. */
  public static final class Builder {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern VERSION = Pattern.compile("HTTP/1\\.[01]");

    private final Endpoint target;
    private String method = "GET";
    private String path = "/";
    private String version = "HTTP/1.0";
    private Optional<String> virtualHost = Optional.empty();
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private StatusCodes statusCodes;
    private final List<StatusExpect> statusExpects = new ArrayList<>();
    private Optional<String> digest = Optional.empty();
    private final List<BodyExpect> bodyExpects = new ArrayList<>();
    private Optional<TlsSettings> tls = Optional.empty();
    private Optional<InetAddress> bindTo = Optional.empty();
    private int maxBytes = DEFAULT_MAX_BYTES;
    private boolean haproxyRequest;
    private byte[] body = new byte[0];

    private Builder(Endpoint target) {
      this.target = requireNonNull(target, "target");
      if (target.port() == 0) {
        throw new IllegalArgumentException("HTTP check target needs a port but was " + target);
      }
    }

    /** HAProxy httpchk method, e.g. {@code HEAD} or {@code OPTIONS}. */
    public Builder method(String method) {
      if (!TOKEN.matcher(requireNonNull(method, "method")).matches()) {
        throw new IllegalArgumentException("HTTP method must be a token but was '" + method + "'");
      }
      this.method = method;
      return this;
    }

    /** The request target; must start with {@code /} (or be {@code *}) and hold no spaces or control bytes. */
    public Builder path(String path) {
      requireNonNull(path, "path");
      if (!(path.startsWith("/") || path.equals("*")) || !printable(path)) {
        throw new IllegalArgumentException("HTTP path must start with '/' and hold no spaces or control "
            + "characters but was '" + path + "'");
      }
      this.path = path;
      return this;
    }

    /** {@code HTTP/1.0} (default) or {@code HTTP/1.1}. */
    public Builder version(String version) {
      if (!VERSION.matcher(requireNonNull(version, "version")).matches()) {
        throw new IllegalArgumentException("HTTP version must be HTTP/1.0 or HTTP/1.1 but was '" + version + "'");
      }
      this.version = version;
      return this;
    }

    /** keepalived {@code virtualhost}: the Host header. */
    public Builder virtualHost(String host) {
      if (!printable(requireNonNull(host, "host")) || host.isEmpty()) {
        throw new IllegalArgumentException("virtual host must be non-empty without spaces or control "
            + "characters but was '" + host + "'");
      }
      this.virtualHost = Optional.of(host);
      return this;
    }

    /** An extra request header. */
    public Builder header(String name, String value) {
      if (!TOKEN.matcher(requireNonNull(name, "name")).matches()) {
        throw new IllegalArgumentException("header name must be a token but was '" + name + "'");
      }
      if (requireNonNull(value, "value").chars().anyMatch(c -> c == '\r' || c == '\n')) {
        throw new IllegalArgumentException("header " + name + " must not contain CR or LF");
      }
      headers.add(Map.entry(name, value));
      return this;
    }

    /**
     * A request body (HAProxy {@code http-check send body}), sent as ISO-8859-1 bytes with its
     * {@code Content-Length}.
     */
    public Builder body(String text) {
      this.body = requireNonNull(text, "text").getBytes(StandardCharsets.ISO_8859_1);
      return this;
    }

    /** Accepted statuses (default 200-299; 200-399 for {@link HttpCheck#haproxy}). */
    public Builder statusCodes(StatusCodes codes) {
      this.statusCodes = requireNonNull(codes, "codes");
      return this;
    }

    /** HAProxy {@code expect rstatus <regex>}, searched in the three-digit status; the same as {@code expect(StatusExpect.rstatus(regex))}. */
    public Builder statusPattern(String regex) {
      return expect(StatusExpect.rstatus(requireNonNull(regex, "regex")));
    }

    /** Adds an HAProxy {@code expect [!] status|rstatus} rule; all rules must hold. */
    public Builder expect(StatusExpect expect) {
      statusExpects.add(requireNonNull(expect, "expect"));
      return this;
    }

    /**
     * An HAProxy rule in HAProxy's own words: {@code [!] status|rstatus|string|rstring <pattern>}, e.g.
     * {@code "! status 500-599"} or {@code "rstring ^ready"}. As in HAProxy, any number of {@code !} (attached or
     * separate) each invert the rule, and the pattern is the rest of the line.
     *
     * @throws IllegalArgumentException naming the keyword or pattern that is wrong
     */
    public Builder expect(String rule) {
      String s = requireNonNull(rule, "rule").strip();
      boolean negate = false;
      while (s.startsWith("!")) {
        negate = !negate;
        s = s.substring(1).stripLeading();
      }
      String[] parts = s.split("\\s+", 2);
      if (parts.length < 2 || parts[1].isBlank()) {
        throw new IllegalArgumentException("expect rule '" + rule + "' needs a keyword (status, rstatus, string, "
            + "rstring) and a pattern");
      }
      String pattern = parts[1].strip();
      switch (parts[0]) {
        case "status":
          return expect(new StatusExpect(false, pattern, negate));
        case "rstatus":
          return expect(new StatusExpect(true, pattern, negate));
        case "string":
          return expect(new BodyExpect(false, pattern, negate));
        case "rstring":
          return expect(new BodyExpect(true, pattern, negate));
        default:
          throw new IllegalArgumentException("expect rule '" + rule + "': unknown keyword '" + parts[0]
              + "' (status, rstatus, string or rstring)");
      }
    }

    /** keepalived {@code digest}: 32 hex digits, any case. */
    public Builder digest(String md5Hex) {
      requireNonNull(md5Hex, "md5Hex");
      if (md5Hex.length() != 32 || !md5Hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException("digest must be 32 hex digits (an MD5) but was '" + md5Hex + "'");
      }
      HexFormat.of().parseHex(md5Hex);
      this.digest = Optional.of(md5Hex.toLowerCase(Locale.ROOT));
      return this;
    }

    /** Adds an HAProxy {@code expect [!] string|rstring} rule; all rules must hold. */
    public Builder expect(BodyExpect expect) {
      bodyExpects.add(requireNonNull(expect, "expect"));
      return this;
    }

    /** Speak TLS (keepalived {@code SSL_GET}, HAProxy {@code check-ssl}). */
    public Builder tls(TlsSettings settings) {
      this.tls = Optional.of(requireNonNull(settings, "settings"));
      return this;
    }

    /** keepalived {@code bindto}. */
    public Builder bindTo(InetAddress local) {
      this.bindTo = Optional.of(requireNonNull(local, "local"));
      return this;
    }

    /** Cap on bytes read per attempt (default 1 MiB). */
    public Builder maxBytes(int maxBytes) {
      if (maxBytes < MAX_HEADER_BYTES) {
        throw new IllegalArgumentException("maxBytes must be at least " + MAX_HEADER_BYTES + " but was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** Builds the check. */
    public HttpCheck build() {
      return new HttpCheck(this);
    }

    private static boolean printable(String s) {
      return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
  }
}
