package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Whom scripts run as: keepalived's {@code script_user USER [GROUP]} in {@code global_defs}, or {@code user USER
 * [GROUP]} in a {@code MISC_CHECK}. Names only; whether they exist is a property of the host, looked up when the
 * checks are built (as keepalived looks them up when it loads the file), not when the file is read.
 *
 * @param user a user name (or numeric uid)
 * @param group a group name (or numeric gid); empty: the user's primary group
 * @param location where it is written
 */
public record ScriptUserConfig(String user, Optional<String> group, Location location) {
  /**
   * The user keepalived runs scripts as when no {@code script_user} is given, if it exists on the host (keepalived
   * 2.2.7 notify.c {@code get_default_script_user}); otherwise keepalived's own user.
   */
  public static final String KEEPALIVED_DEFAULT_USER = "keepalived_script";

  public ScriptUserConfig {
    requireNonNull(user, "user");
    requireNonNull(group, "group");
    requireNonNull(location, "location");
  }

  /** {@code USER} or {@code USER:GROUP}. */
  @Override
  public String toString() {
    return user + group.map(g -> ":" + g).orElse("");
  }
}
