package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The parts of {@code global_defs} lbkit reads. Other well-known global keywords are accepted with a warning that
 * lbkit does not use them.
 *
 * @param routerId {@code router_id}
 * @param notificationEmails {@code notification_email { ... }}
 * @param notificationEmailFrom {@code notification_email_from}
 * @param smtpServer {@code smtp_server}, as written (address or name, optional port)
 * @param smtpConnectTimeout {@code smtp_connect_timeout}
 * @param vrrpStrict {@code vrrp_strict}: every {@code vrrp_instance} without its own {@code strict_mode} follows RFC
 *     3768/5798 strictly, as keepalived 2.2.7 applies it (see {@link VrrpInstanceConfig#strictMode()})
 * @param scriptUser {@code script_user USER [GROUP]}: whom MISC_CHECK programs without their own {@code user} run
 *     as; empty: {@value ScriptUserConfig#KEEPALIVED_DEFAULT_USER} if the host has it, else the checker's own user
 * @param scriptSecurity {@code enable_script_security}: programs that would run as root from a path others can
 *     change are refused, and without {@code script_user} a missing
 *     {@value ScriptUserConfig#KEEPALIVED_DEFAULT_USER} is an error
 */
public record GlobalDefs(
    Optional<String> routerId,
    List<String> notificationEmails,
    Optional<String> notificationEmailFrom,
    Optional<String> smtpServer,
    Optional<Duration> smtpConnectTimeout,
    boolean vrrpStrict,
    Optional<ScriptUserConfig> scriptUser,
    boolean scriptSecurity) {

  /** No global definitions. */
  public static final GlobalDefs EMPTY = new GlobalDefs(Optional.empty(), List.of(), Optional.empty(),
      Optional.empty(), Optional.empty(), false, Optional.empty(), false);

  /** Global definitions without a script user or script security. */
  public GlobalDefs(Optional<String> routerId, List<String> notificationEmails, Optional<String> notificationEmailFrom,
      Optional<String> smtpServer, Optional<Duration> smtpConnectTimeout, boolean vrrpStrict) {
    this(routerId, notificationEmails, notificationEmailFrom, smtpServer, smtpConnectTimeout, vrrpStrict,
        Optional.empty(), false);
  }

  public GlobalDefs {
    requireNonNull(routerId, "routerId");
    notificationEmails = List.copyOf(notificationEmails);
    requireNonNull(notificationEmailFrom, "notificationEmailFrom");
    requireNonNull(smtpServer, "smtpServer");
    requireNonNull(smtpConnectTimeout, "smtpConnectTimeout");
    requireNonNull(scriptUser, "scriptUser");
  }
}
