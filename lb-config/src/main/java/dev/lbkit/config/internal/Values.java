package dev.lbkit.config.internal;

import dev.lbkit.api.Endpoint;
import dev.lbkit.config.ScriptUserConfig;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Reads typed parameters from statements, reporting a bad value at its own line and column and returning empty,
 * so the caller keeps its default and parsing goes on.
 */
final class Values {
  private final Problems problems;

  Values(Problems problems) {
    this.problems = problems;
  }

  Problems problems() {
    return problems;
  }

  /** Checks the parameter count of a statement; false (with an error) if it is wrong. */
  boolean arity(Node n, int min, int max) {
    if (n.args().size() < min) {
      problems.error(n.location(), "'" + n.name() + "' needs " + (min == 1 ? "a value" : min + " values")
          + (n.args().isEmpty() ? "" : " but has " + n.args().size()));
      return false;
    }
    if (n.args().size() > max) {
      Token extra = n.args().get(max);
      problems.error(extra.location(), "'" + n.name() + "' takes " + (max == 0 ? "no value" : "at most " + max
          + (max == 1 ? " value" : " values")) + " but has an extra " + extra);
      return false;
    }
    return true;
  }

  /** The single parameter of a statement. */
  Optional<Token> single(Node n) {
    return arity(n, 1, 1) ? Optional.of(n.args().get(0)) : Optional.empty();
  }

  /** All parameters as one string, as keepalived reads a command line: words joined by one space. */
  Optional<String> rest(Node n) {
    if (!arity(n, 1, Integer.MAX_VALUE)) {
      return Optional.empty();
    }
    return Optional.of(n.args().stream().map(Token::text).collect(Collectors.joining(" ")));
  }

  OptionalInt integer(Token t, String what, long min, long max) {
    long v;
    try {
      v = Long.parseLong(t.text());
    } catch (NumberFormatException e) {
      problems.error(t.location(), what + " must be a whole number but was '" + t.text() + "'");
      return OptionalInt.empty();
    }
    if (v < min || v > max) {
      problems.error(t.location(), what + " must be in [" + min + ", " + max + "] but was " + v);
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) v);
  }

  OptionalInt integer(Node n, long min, long max) {
    Optional<Token> t = single(n);
    return t.isPresent() ? integer(t.get(), n.name(), min, max) : OptionalInt.empty();
  }

  /** A keepalived timer: seconds with an optional fraction, kept to the microsecond as keepalived keeps it. */
  Optional<Duration> timer(Token t, String what, Duration min, Duration max) {
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(t.text());
    } catch (NumberFormatException e) {
      problems.error(t.location(), what + " must be a number of seconds but was '" + t.text() + "'");
      return Optional.empty();
    }
    BigDecimal micros = seconds.movePointRight(6);
    if (micros.signum() < 0 || micros.compareTo(BigDecimal.valueOf(max.toNanos() / 1000)) > 0
        || micros.compareTo(BigDecimal.valueOf(min.toNanos() / 1000)) < 0) {
      problems.error(t.location(), what + " must be in [" + seconds(min) + ", " + seconds(max) + "] seconds but was "
          + t.text());
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(micros.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact() * 1000));
  }

  Optional<Duration> timer(Node n, Duration min, Duration max) {
    Optional<Token> t = single(n);
    return t.isPresent() ? timer(t.get(), n.name(), min, max) : Optional.empty();
  }

  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
  }

  Optional<InetAddress> address(Token t, String what) {
    try {
      return Optional.of(Endpoint.parseAddress(t.text()));
    } catch (IllegalArgumentException e) {
      problems.error(t.location(), what + " must be an IPv4 or IPv6 address but was '" + t.text() + "'");
      return Optional.empty();
    }
  }

  Optional<InetAddress> address(Node n) {
    Optional<Token> t = single(n);
    return t.isPresent() ? address(t.get(), n.name()) : Optional.empty();
  }

  /**
   * A {@code misc_path} or {@code vrrp_script script} command line, read as keepalived 2.2.7's
   * set_script_params_array reads it: only the first word counts (write the command line in double quotes to give
   * arguments); words after it are dropped, which keepalived does silently and lbkit does with a warning.
   */
  Optional<String> scriptLine(Node n) {
    if (!arity(n, 1, Integer.MAX_VALUE)) {
      return Optional.empty();
    }
    if (n.args().size() > 1) {
      List<String> words = n.args().stream().map(Token::text).toList();
      problems.warning(n.args().get(1).location(), "'" + n.name() + "': keepalived 2.2.7 runs only '" + words.get(0)
          + "' and drops '" + String.join(" ", words.subList(1, words.size())) + "' (words outside the quotes);"
          + " so does lbkit. To pass them, quote the whole command line: \"" + String.join(" ", words) + "\"");
    }
    return Optional.of(n.args().get(0).text());
  }

  /** A notify hook: its command line and the user written after it, if any. */
  record Hook(String command, Optional<ScriptUserConfig> user) {}

  /**
   * A notify hook, read as keepalived 2.2.7's notify_script_init reads it: the first word is the command line (write
   * it in double quotes to give arguments); the words after it name the user and group to run it as.
   */
  Optional<Hook> hook(Node n) {
    if (!arity(n, 1, 3)) {
      return Optional.empty();
    }
    Optional<ScriptUserConfig> user = n.args().size() == 1 ? Optional.empty()
        : Optional.of(new ScriptUserConfig(n.args().get(1).text(),
            n.args().size() == 3 ? Optional.of(n.args().get(2).text()) : Optional.empty(), n.args().get(1).location()));
    return Optional.of(new Hook(n.args().get(0).text(), user));
  }

  /**
   * {@code KEYWORD USER [GROUP]}, as keepalived's set_script_uid_gid reads it; a third word is an error (keepalived
   * ignores it silently).
   */
  Optional<ScriptUserConfig> scriptUser(Node n) {
    if (!arity(n, 1, 2)) {
      return Optional.empty();
    }
    Optional<String> group = n.args().size() == 2 ? Optional.of(n.args().get(1).text()) : Optional.empty();
    return Optional.of(new ScriptUserConfig(n.args().get(0).text(), group, n.location()));
  }

  /** A flag keyword alone means true; otherwise on/off, true/false, yes/no. */
  Optional<Boolean> flag(Node n) {
    if (!arity(n, 0, 1)) {
      return Optional.empty();
    }
    if (n.args().isEmpty()) {
      return Optional.of(true);
    }
    Token t = n.args().get(0);
    switch (t.text().toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes":
        return Optional.of(true);
      case "off", "false", "no":
        return Optional.of(false);
      default:
        problems.error(t.location(), n.name() + " must be one of on|off|true|false|yes|no but was '" + t.text() + "'");
        return Optional.empty();
    }
  }

  /** A name from a fixed set, matched as keepalived matches it (exactly, or ignoring case). */
  Optional<String> choice(Node n, boolean ignoreCase, List<String> allowed) {
    Optional<Token> t = single(n);
    if (t.isEmpty()) {
      return Optional.empty();
    }
    for (String a : allowed) {
      if (ignoreCase ? a.equalsIgnoreCase(t.get().text()) : a.equals(t.get().text())) {
        return Optional.of(a);
      }
    }
    problems.error(t.get().location(), n.name() + " must be one of " + String.join(", ", allowed) + " but was '"
        + t.get().text() + "'");
    return Optional.empty();
  }
}
