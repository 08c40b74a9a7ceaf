package dev.lbkit.healthcheck.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A set of HTTP status codes as codes and ranges: keepalived {@code status_code 200-299 503}, the CLI's
 * {@code --status 200-299,503}. Immutable.
 *
 * @param ranges inclusive ranges, at least one
 */
public record StatusCodes(List<Range> ranges) {
  /** keepalived's default: any 2xx. */
  public static final StatusCodes SUCCESS = new StatusCodes(List.of(new Range(200, 299)));
  /** Any status: HAProxy when only {@code http-check expect} rules judge. */
  public static final StatusCodes ANY = new StatusCodes(List.of(new Range(100, 999)));
  /** HAProxy's default for {@code option httpchk}: 2xx and 3xx. */
  public static final StatusCodes SUCCESS_OR_REDIRECT = new StatusCodes(List.of(new Range(200, 399)));

  public StatusCodes {
    ranges = List.copyOf(requireNonNull(ranges, "ranges"));
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("status codes need at least one code or range");
    }
  }

  /**
   * Parses {@code 200-299,503} (commas or spaces between items).
   *
   * @throws IllegalArgumentException naming the item that is not a code in [100, 999] or a range of them
   */
  public static StatusCodes parse(String text) {
    requireNonNull(text, "text");
    List<Range> out = new ArrayList<>();
    for (String item : text.trim().split("[,\\s]+")) {
      if (item.isEmpty()) {
        continue;
      }
      int dash = item.indexOf('-');
      try {
        if (dash < 0) {
          int c = Integer.parseInt(item);
          out.add(new Range(c, c));
        } else {
          out.add(new Range(Integer.parseInt(item.substring(0, dash)), Integer.parseInt(item.substring(dash + 1))));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("status code '" + item + "' in '" + text
            + "' is not a number or a range like 200-299", e);
      }
    }
    return new StatusCodes(out);
  }

  /** Whether {@code status} is in the set. */
  public boolean contains(int status) {
    for (Range r : ranges) {
      if (status >= r.from() && status <= r.to()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return ranges.stream().map(Range::toString).collect(Collectors.joining(","));
  }

  /**
   * An inclusive range of status codes.
   *
   * @param from 100 to 999
   * @param to from to 999
   */
  public record Range(int from, int to) {
    public Range {
      if (from < 100 || to > 999 || from > to) {
        throw new IllegalArgumentException("status range must lie in [100, 999] with from <= to but was "
            + from + "-" + to);
      }
    }

    @Override
    public String toString() {
      return from == to ? Integer.toString(from) : from + "-" + to;
    }
  }
}
