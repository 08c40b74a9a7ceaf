/** keepalived {@code SMTP_CHECK}: start with {@link dev.lbkit.healthcheck.smtp.SmtpCheck}. */
package dev.lbkit.healthcheck.smtp;
