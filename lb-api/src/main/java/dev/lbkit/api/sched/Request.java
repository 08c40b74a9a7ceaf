package dev.lbkit.api.sched;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A layer-7 request as HAProxy's {@code balance} algorithms see it: the connection, the HTTP request line and
 * headers, and for TCP-mode RDP the {@code mstshash} cookie. Immutable. Header names are compared without regard
 * to case, as HTTP requires; values keep their order.
 *
 * @param flow the connection the request arrived on
 * @param method HTTP method, empty for a non-HTTP request
 * @param uri request target as sent (path and query), empty for a non-HTTP request
 * @param headers header values by name, names case-insensitive
 * @param rdpCookie the value of an RDP {@code Cookie: mstshash=} in the first packet, if present
 */
public record Request(
    Flow flow, String method, String uri, Map<String, List<String>> headers, Optional<String> rdpCookie) {

  public Request {
    requireNonNull(flow, "flow");
    requireNonNull(method, "method");
    requireNonNull(uri, "uri");
    requireNonNull(rdpCookie, "rdpCookie");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    requireNonNull(headers, "headers").forEach((name, values) -> {
      requireNonNull(name, "header name");
      copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(requireNonNull(values, "values of " + name));
    });
    copy.replaceAll((name, values) -> List.copyOf(values));
    headers = Collections.unmodifiableMap(copy);
  }

  /** An HTTP request without an RDP cookie. */
  public static Request http(Flow flow, String method, String uri, Map<String, List<String>> headers) {
    return new Request(flow, method, uri, headers, Optional.empty());
  }

  /** A non-HTTP request: only the connection. */
  public static Request of(Flow flow) {
    return new Request(flow, "", "", Map.of(), Optional.empty());
  }

  /** Every value of a header, in order; empty when absent. */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name, List.of());
  }

  /** The last value of a header, as HAProxy's {@code hdr()} fetch uses by default. */
  public Optional<String> lastHeader(String name) {
    List<String> values = headerValues(name);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }

  /** The method in upper case ({@link Locale#ROOT}). */
  public String methodUpperCase() {
    return method.toUpperCase(Locale.ROOT);
  }
}
