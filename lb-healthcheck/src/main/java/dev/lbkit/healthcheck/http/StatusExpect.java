package dev.lbkit.healthcheck.http;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * HAProxy {@code http-check expect [!] status <codes>} or {@code [!] rstatus <regex>}: what the response status
 * must (or, negated, must not) be. {@code status} takes codes and ranges ({@code 200,300-310}, HAProxy 2.2 and
 * later); {@code rstatus} is searched in the three-digit code, unanchored as HAProxy does.
 *
 * <p>The negation is HAProxy's: {@code ! status 503} passes every status but 503, including 5xx others and 1xx to
 * 4xx alike. It does not bring back HAProxy's 2xx/3xx default, which applies only when no expect rule is given.
 *
 * @param regex true for {@code rstatus}
 * @param value the codes ({@code 200-299,503}) or the regular expression
 * @param negate HAProxy's {@code !}
 */
public record StatusExpect(boolean regex, String value, boolean negate) {
  public StatusExpect {
    requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("expected status must not be empty");
    }
    if (regex) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("rstatus '" + value + "' is not a valid regular expression: "
            + e.getDescription(), e);
      }
    } else {
      StatusCodes.parse(value); // throws naming the bad item
    }
  }

  /** {@code expect status <codes>}. */
  public static StatusExpect status(StatusCodes codes) {
    return new StatusExpect(false, codes.toString(), false);
  }

  /** {@code expect rstatus <regex>}. */
  public static StatusExpect rstatus(String regex) {
    return new StatusExpect(true, regex, false);
  }

  /** The negated form, {@code expect ! ...}. */
  public StatusExpect negated() {
    return new StatusExpect(regex, value, !negate);
  }

  /** Whether {@code status} satisfies the rule, negation included. */
  public boolean accepts(int status) {
    boolean match = regex
        ? Pattern.compile(value).matcher(Integer.toString(status)).find()
        : StatusCodes.parse(value).contains(status);
    return match != negate;
  }

  @Override
  public String toString() {
    return (negate ? "! " : "") + (regex ? "rstatus " : "status ") + value;
  }
}
