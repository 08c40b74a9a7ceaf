package dev.lbkit.healthcheck;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One line from an HAProxy {@code agent-check}, read as HAProxy 2.6 reads it ({@code tcpcheck_agent_expect_reply}
 * in {@code src/tcpcheck.c}). Each word belongs to one category, and within a category the last word wins:
 *
 * <ul>
 *   <li>operational state: {@code up} (health counter to its maximum: up now), {@code down}, {@code stopped},
 *       {@code fail} (counter to 0: down now);
 *   <li>administrative state ({@link AdminState}): {@code ready}, {@code drain}, {@code maint};
 *   <li>weight: {@code NN%} of the configured weight (truncated, at most 25600%);
 *   <li>{@code maxconn:N}, kept but not applied (lbkit has no per-server connection limit).
 * </ul>
 *
 * Words are separated by spaces, tabs or commas and compared ignoring case; {@code #} starts a description. A
 * category the line does not mention is left as it was. The first word of no category is kept as
 * {@link #error()}; HAProxy logs it and changes nothing for it.
 *
 * @param health the operational word, if any
 * @param admin the administrative word, if any
 * @param weightPercent the last {@code NN%}, if any
 * @param maxconn the last {@code maxconn:N} value, if any
 * @param description the text after {@code #}, trimmed; empty if none
 * @param error the first word of no category, if any
 */
public record AgentReply(Optional<Health> health, Optional<AdminState> admin, OptionalInt weightPercent,
    OptionalInt maxconn, String description, Optional<String> error) {

  /** HAProxy's cap on a relative weight. */
  public static final int MAX_PERCENT = 25_600;

  /** An operational word. */
  public enum Health {
    UP,
    DOWN,
    STOPPED,
    FAIL;

    /** Whether the word takes the server down. */
    public boolean isDown() {
      return this != UP;
    }
  }

  public AgentReply {
    requireNonNull(health, "health");
    requireNonNull(admin, "admin");
    requireNonNull(weightPercent, "weightPercent");
    requireNonNull(maxconn, "maxconn");
    requireNonNull(description, "description");
    requireNonNull(error, "error");
    if (weightPercent.isPresent() && (weightPercent.getAsInt() < 0 || weightPercent.getAsInt() > MAX_PERCENT)) {
      throw new IllegalArgumentException("agent weight must be in [0, " + MAX_PERCENT + "]% but was "
          + weightPercent.getAsInt());
    }
  }

  /**
   * Parses one complete line, without its line end.
   *
   * @param line the agent's words, at most a few hundred characters in practice
   */
  public static AgentReply parse(String line) {
    requireNonNull(line, "line");
    Health health = null;
    AdminState admin = null;
    OptionalInt percent = OptionalInt.empty();
    OptionalInt maxconn = OptionalInt.empty();
    String error = null;
    String description = "";
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      if (c == '#') {
        description = line.substring(i + 1).strip();
        break;
      }
      int end = i + 1;
      while (end < n && " \t,".indexOf(line.charAt(end)) < 0) {
        end++;
      }
      String word = line.substring(i, end);
      i = end;
      switch (word.toLowerCase(Locale.ROOT)) {
        case "up":
          health = Health.UP;
          continue;
        case "down":
          health = Health.DOWN;
          continue;
        case "stopped":
          health = Health.STOPPED;
          continue;
        case "fail":
          health = Health.FAIL;
          continue;
        case "ready":
          admin = AdminState.READY;
          continue;
        case "drain":
          admin = AdminState.DRAIN;
          continue;
        case "maint":
          admin = AdminState.MAINT;
          continue;
        default:
          break;
      }
      OptionalInt p = Character.isDigit(word.charAt(0)) && word.indexOf('%') >= 0 ? percent(word) : null;
      if (p != null && p.isPresent()) {
        percent = p;
      } else if (p == null && word.regionMatches(true, 0, "maxconn:", 0, 8) && word.length() > 8
          && word.substring(8).chars().allMatch(Character::isDigit) && word.length() < 18) {
        maxconn = OptionalInt.of((int) Math.min(Integer.MAX_VALUE, Long.parseLong(word.substring(8))));
      } else if (error == null) {
        error = word;
      }
    }
    return new AgentReply(Optional.ofNullable(health), Optional.ofNullable(admin), percent, maxconn, description,
        Optional.ofNullable(error));
  }

  /** {@code NN%} exactly (HAProxy rejects trailing garbage and keeps the old weight); empty if malformed. */
  private static OptionalInt percent(String word) {
    int pct = word.indexOf('%');
    if (pct != word.length() - 1 || pct == 0 || !word.substring(0, pct).chars().allMatch(Character::isDigit)) {
      return OptionalInt.empty();
    }
    long v = pct > 9 ? Long.MAX_VALUE : Long.parseLong(word.substring(0, pct));
    return OptionalInt.of((int) Math.min(MAX_PERCENT, v));
  }

  /** Whether the line said anything HAProxy acts on. */
  public boolean saysAnything() {
    return health.isPresent() || admin.isPresent() || weightPercent.isPresent() || maxconn.isPresent();
  }

  /** The weight HAProxy derives from a percentage of {@code configured}: truncated, as HAProxy computes it. */
  public static int weightOf(int configured, int percent) {
    return (int) Math.min(Integer.MAX_VALUE, (long) configured * percent / 100);
  }
}
