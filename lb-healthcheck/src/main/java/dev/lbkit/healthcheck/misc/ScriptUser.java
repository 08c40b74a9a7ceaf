package dev.lbkit.healthcheck.misc;

import static java.util.Objects.requireNonNull;

import dev.lbkit.healthcheck.internal.jna.Spawner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whom a MISC_CHECK program runs as: keepalived's {@code user USERNAME [GROUPNAME]} in a {@code MISC_CHECK} block,
 * or {@code script_user} in {@code global_defs} for all of them (see
 * {@link dev.lbkit.healthcheck.HealthChecker.Builder#scriptUser}).
 *
 * <p>As in keepalived, the group defaults to the user's primary group, and the program gets that group as its only
 * supplementary group. Switching needs root (or the same user); names are looked up when a program starts, so a
 * missing user makes that check down with a clear reason rather than failing configuration.
 *
 * @param user a user name or numeric uid
 * @param group a group name or numeric gid; empty: the user's primary group
 */
public record ScriptUser(String user, Optional<String> group) {
  public ScriptUser {
    requireNonNull(user, "user");
    requireNonNull(group, "group");
    if (user.isBlank() || user.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("script user must be one word but was '" + user + "'");
    }
    if (group.isPresent() && (group.get().isBlank() || group.get().chars().anyMatch(Character::isWhitespace))) {
      throw new IllegalArgumentException("script group must be one word but was '" + group.get() + "'");
    }
  }

  /** {@code user NAME}. */
  public static ScriptUser of(String user) {
    return new ScriptUser(user, Optional.empty());
  }

  /** {@code user NAME GROUP}. */
  public static ScriptUser of(String user, String group) {
    return new ScriptUser(user, Optional.of(group));
  }

  /**
   * keepalived's words: {@code "nobody"} or {@code "nobody nogroup"}.
   *
   * @throws IllegalArgumentException for no word or more than two
   */
  public static ScriptUser parse(String words) {
    String[] w = requireNonNull(words, "words").strip().split("\\s+");
    if (w.length == 0 || w[0].isEmpty() || w.length > 2) {
      throw new IllegalArgumentException("script user must be 'USER' or 'USER GROUP' but was '" + words + "'");
    }
    return w.length == 1 ? of(w[0]) : of(w[0], w[1]);
  }

  /**
   * Why this user (and group) cannot be used on this host, looked up as a program start would look them up (NSS
   * getpwnam/getgrnam; a group may also be a number): empty when both exist. keepalived does this lookup when it
   * loads its configuration; a configuration importer can do the same with this.
   */
  public Optional<String> problem() {
    if (Spawner.user(user).isEmpty()) {
      return Optional.of("script user '" + user + "' does not exist");
    }
    if (group.isPresent() && Spawner.group(group.get()).isEmpty()
        && !(group.get().chars().allMatch(Character::isDigit) && group.get().length() < 10)) {
      return Optional.of("script group '" + group.get() + "' does not exist");
    }
    return Optional.empty();
  }

  /**
   * The argument vector that starts {@code command} as this user, as keepalived starts scripts (the user's uid, the
   * group as real and effective gid and as the only supplementary group): through {@code setpriv}, or
   * {@code command} itself when this process already runs as that user and group. For programs lbkit starts
   * outside a MISC_CHECK, such as VRRP scripts and notify hooks.
   *
   * @throws IOException if the user or group does not exist, or switching is needed and this process is not root
   */
  public List<String> commandLine(List<String> command) throws IOException {
    Spawner.Ids self = Spawner.self();
    Spawner.Ids who = Spawner.user(user).orElseThrow(() -> new IOException("script user '" + user
        + "' does not exist"));
    int gid = who.gid();
    if (group.isPresent()) {
      OptionalInt byName = Spawner.group(group.get());
      if (byName.isPresent()) {
        gid = byName.getAsInt();
      } else if (group.get().chars().allMatch(Character::isDigit) && group.get().length() < 10) {
        gid = Integer.parseInt(group.get());
      } else {
        throw new IOException("script group '" + group.get() + "' does not exist");
      }
    }
    if (who.uid() == self.uid() && gid == self.gid()) {
      return List.copyOf(command);
    }
    if (self.uid() != 0) {
      throw new IOException("cannot run " + command.get(0) + " as " + this + " (uid " + who.uid() + ", gid " + gid
          + "): this process runs as uid " + self.uid() + ", and only root may switch users");
    }
    List<String> argv = new ArrayList<>(List.of("setpriv", "--regid=" + gid, "--groups=" + gid,
        "--reuid=" + who.uid(), "--"));
    argv.addAll(command);
    return List.copyOf(argv);
  }

  /** Whether this process may run programs as other users (its effective uid is root's). */
  public static boolean canSwitch() {
    return Spawner.self().uid() == 0;
  }

  @Override
  public String toString() {
    return user + group.map(g -> ":" + g).orElse("");
  }
}
