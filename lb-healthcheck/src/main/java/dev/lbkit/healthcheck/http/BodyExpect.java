package dev.lbkit.healthcheck.http;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * HAProxy {@code http-check expect [!] string <text>} or {@code rstring <regex>}: what the body must (or, negated,
 * must not) contain. The body is matched as ISO-8859-1 text, byte for byte.
 *
 * @param regex true for {@code rstring}
 * @param value the text or the regular expression
 * @param negate HAProxy's {@code !}
 */
public record BodyExpect(boolean regex, String value, boolean negate) {
  public BodyExpect {
    requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("expected body text must not be empty");
    }
    if (regex) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("rstring '" + value + "' is not a valid regular expression: "
            + e.getDescription(), e);
      }
    }
  }

  /** {@code expect string <text>}. */
  public static BodyExpect string(String text) {
    return new BodyExpect(false, text, false);
  }

  /** {@code expect rstring <regex>}. */
  public static BodyExpect rstring(String regex) {
    return new BodyExpect(true, regex, false);
  }

  /** The negated form, {@code expect ! ...}. */
  public BodyExpect negated() {
    return new BodyExpect(regex, value, !negate);
  }

  boolean found(CharSequence body) {
    return regex ? Pattern.compile(value).matcher(body).find() : body.toString().contains(value);
  }

  @Override
  public String toString() {
    return (negate ? "! " : "") + (regex ? "rstring " : "string ") + value;
  }
}
