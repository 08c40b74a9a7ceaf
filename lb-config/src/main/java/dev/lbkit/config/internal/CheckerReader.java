package dev.lbkit.config.internal;

import dev.lbkit.api.Endpoint;
import dev.lbkit.config.HealthCheckConfig;
import dev.lbkit.config.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads {@code UDP_CHECK}, {@code DNS_CHECK} and {@code SMTP_CHECK} blocks with keepalived 2.2.7's keywords,
 * defaults and complaints (check_udp.c, check_dns.c, check_smtp.c, check_api.c; in our own words). Where keepalived
 * reports a configuration error and carries on with a default, lbkit reports an error at the value's line and
 * column, so a file never runs with a meaning other than the one written.
 */
final class CheckerReader {
  private final Values values;
  private final Problems problems;

  CheckerReader(Values values) {
    this.values = values;
    this.problems = values.problems();
  }

  Optional<HealthCheckConfig> udp(Node block, Endpoint server, VirtualServerReader.Connect c) {
    Optional<String> payload = Optional.empty();
    boolean requireReply = false;
    Optional<String> reply = Optional.empty();
    int min = 0;
    int max = HealthCheckConfig.Udp.DEFAULT_MAX_REPLY_LENGTH;
    boolean ok = true;
    for (Node n : block.children()) {
      if (c.read(n)) {
        continue;
      }
      switch (n.name()) {
        case "payload" -> {
          if (n.args().isEmpty()) {
            problems.error(n.location(), "UDP_CHECK payload requires a payload");
            ok = false;
          } else {
            String text = joined(n);
            payload = hex(text, false);
            if (payload.isEmpty()) {
              problems.error(n.args().get(0).location(), "Invalid hex string for UDP_CHECK payload: '" + text
                  + "' (hex digits, two to a byte, bytes may be apart by blanks)");
              ok = false;
            }
          }
        }
        case "require_reply" -> {
          requireReply = true;
          if (!n.args().isEmpty()) {
            String text = joined(n);
            reply = hex(text, true);
            if (reply.isEmpty()) {
              problems.error(n.args().get(0).location(), "Invalid hex string for UDP_CHECK reply: '" + text
                  + "' (hex digits or x for any nibble, two to a byte, bytes may be apart by blanks)");
              ok = false;
            }
          }
        }
        case "min_reply_length" -> {
          OptionalInt v = replyLength(n, "min");
          ok &= v.isPresent();
          min = v.orElse(min);
        }
        case "max_reply_length" -> {
          OptionalInt v = replyLength(n, "max");
          ok &= v.isPresent();
          max = v.orElse(max);
        }
        default -> throw new AssertionError(n.name());
      }
    }
    if (min > max) {
      problems.error(block.location(), "UDP_CHECK min_reply length " + min + " > max_reply_length " + max
          + " - will always fail");
      ok = false;
    }
    Optional<Endpoint> target = c.target(server, block);
    if (!ok || target.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new HealthCheckConfig.Udp(target.get(), c.bindTo, c.timeout, c.retry, c.delayBeforeRetry,
        payload, requireReply, reply, min, max, c.timing.get(), block.location()));
  }

  private OptionalInt replyLength(Node n, String which) {
    Optional<Token> t = values.single(n);
    if (t.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      long v = Long.parseLong(t.get().text());
      if (v >= 0 && v <= 65_535) {
        return OptionalInt.of((int) v);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.error(t.get().location(), "UDP_CHECK " + which + " length " + t.get().text()
        + " not valid - must be between 0 & 65535");
    return OptionalInt.empty();
  }

  /** The words of a statement as keepalived's make_strvec_str joins them: one space apart. */
  private static String joined(Node n) {
    return String.join(" ", n.args().stream().map(Token::text).toList());
  }

  /**
   * keepalived's read_hex_str (utils.c): blanks skipped between bytes; two hex digits make a byte, one digit
   * before a space or the end makes a byte of its own; {@code x}/{@code X} is a wildcard nibble where allowed.
   * The result is two lower-case characters a byte; empty for an invalid or empty string.
   */
  static Optional<String> hex(String text, boolean wildcards) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (true) {
      while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
      if (i == text.length()) {
        break;
      }
      char hi = nibble(text.charAt(i++), wildcards);
      if (hi == 0) {
        return Optional.empty();
      }
      if (i < text.length() && text.charAt(i) != ' ') { // a tab here is not a separator in keepalived either
        char lo = nibble(text.charAt(i++), wildcards);
        if (lo == 0) {
          return Optional.empty();
        }
        out.append(hi).append(lo);
      } else {
        out.append('0').append(hi);
      }
    }
    return out.length() == 0 ? Optional.empty() : Optional.of(out.toString());
  }

  /** The nibble as a lower-case character, or 0 if it is not one. */
  private static char nibble(char c, boolean wildcards) {
    if (Character.digit(c, 16) >= 0 && c < 0x80) {
      return Character.toLowerCase(c);
    }
    if (wildcards && (c == 'x' || c == 'X')) {
      return 'x';
    }
    return 0;
  }

  Optional<HealthCheckConfig> dns(Node block, Endpoint server, VirtualServerReader.Connect c) {
    String type = HealthCheckConfig.Dns.DEFAULT_TYPE;
    Optional<String> name = Optional.empty();
    boolean ok = true;
    for (Node n : block.children()) {
      if (c.read(n)) {
        continue;
      }
      switch (n.name()) {
        case "type" -> {
          Optional<String> t = values.choice(n, true, HealthCheckConfig.Dns.TYPES);
          ok &= t.isPresent();
          type = t.orElse(type);
        }
        case "name" -> {
          Optional<Token> t = values.single(n);
          if (t.isEmpty()) {
            ok = false;
          } else if (name.isPresent()) {
            problems.error(n.location(), "DNS_CHECK name already specified (as '" + name.get() + "')");
            ok = false;
          } else if (!dnsName(t.get())) {
            ok = false;
          } else {
            name = Optional.of(t.get().text());
          }
        }
        default -> throw new AssertionError(n.name());
      }
    }
    Optional<Endpoint> target = c.target(server, block);
    if (!ok || target.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new HealthCheckConfig.Dns(target.get(), c.bindTo, c.timeout, c.retry, c.delayBeforeRetry,
        type, name.orElse(HealthCheckConfig.Dns.DEFAULT_NAME), c.timing.get(), block.location()));
  }

  /**
   * keepalived 2.2.7's empty-label rule (check_dns.c dns_name_handler), which also rejects any name whose second
   * character is a dot ("a.example"): its scan looks one past the start before it looks past each dot. keepalived
   * then ignores the name and asks for the root, so lbkit reports the same error. Then what a query can carry:
   * labels of 1 to 63 printable characters, 255 bytes in all.
   */
  private boolean dnsName(Token t) {
    String name = t.text();
    if ((name.startsWith(".") && name.length() > 1) || name.contains("..")
        || (name.length() > 1 && name.charAt(1) == '.')) {
      problems.error(t.location(), "DNS_CHECK name '" + name + "' has empty label (keepalived 2.2.7 also"
          + " rejects a one-character first label)");
      return false;
    }
    String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    for (String label : body.isEmpty() ? new String[0] : body.split("\\.")) {
      if (label.length() > 63 || !label.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
        problems.error(t.location(), "DNS_CHECK name '" + name + "' has a label longer than 63 characters or"
            + " with characters outside printable ASCII: '" + label + "'");
        return false;
      }
    }
    if (body.length() + 2 > 255) {
      problems.error(t.location(), "DNS_CHECK name '" + name + "' is longer than 255 bytes as a DNS name");
      return false;
    }
    return true;
  }

  /**
   * The SMTP_CHECK itself and one checker per {@code host} block, each starting from the settings written before it
   * (keepalived 2.2.7 check_smtp.c keeps the outer checker too, since its connection is always set). A host block
   * thus takes the checker's {@code connect_timeout} written before it when it sets none; keepalived 2.2.7 leaves it
   * with no timeout at all, so that its connection gives up within milliseconds unless the server has already
   * answered (measured in the kernel lab, see KeepalivedCheckerTimingLabIT's SMTP servers): a difference on purpose.
   */
  List<HealthCheckConfig> smtp(Node block, Endpoint server, VirtualServerReader.Connect c) {
    String helo = HealthCheckConfig.Smtp.DEFAULT_HELO_NAME;
    boolean ok = true;
    List<VirtualServerReader.Connect> hosts = new ArrayList<>();
    List<Node> hostNodes = new ArrayList<>();
    for (Node n : block.children()) {
      if (c.read(n)) {
        continue;
      }
      switch (n.name()) {
        case "helo_name" -> {
          if (n.args().isEmpty()) {
            problems.error(n.location(), "SMTP_CHECK helo name missing");
            ok = false;
          } else {
            Optional<Token> t = values.single(n);
            if (t.isPresent() && t.get().text().chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
              helo = t.get().text();
            } else {
              if (t.isPresent()) {
                problems.error(t.get().location(), "helo_name must be printable ASCII without blanks but was '"
                    + t.get().text() + "'");
              }
              ok = false;
            }
          }
        }
        case "host" -> {
          problems.warning(n.location(), "The SMTP_CHECK host block is deprecated. Please define additional"
              + " checkers.");
          VirtualServerReader.Connect h = c.copy();
          for (Node hn : n.children()) {
            if (!h.read(hn)) {
              throw new AssertionError(hn.name());
            }
          }
          hosts.add(h);
          hostNodes.add(n);
        }
        default -> throw new AssertionError(n.name());
      }
    }
    List<HealthCheckConfig> out = new ArrayList<>();
    Optional<Endpoint> main = c.target(server, block);
    ok &= main.isPresent();
    if (main.isPresent()) {
      out.add(smtp(main.get(), c, helo, block.location()));
    }
    for (int i = 0; i < hosts.size(); i++) {
      Optional<Endpoint> t = hosts.get(i).target(server, hostNodes.get(i));
      ok &= t.isPresent();
      if (t.isPresent()) {
        out.add(smtp(t.get(), hosts.get(i), helo, hostNodes.get(i).location()));
      }
    }
    return ok ? out : List.of();
  }

  private static HealthCheckConfig smtp(Endpoint target, VirtualServerReader.Connect c, String helo, Location at) {
    return new HealthCheckConfig.Smtp(target, c.bindTo, c.timeout, c.retry, c.delayBeforeRetry, helo,
        c.timing.get(), at);
  }
}
