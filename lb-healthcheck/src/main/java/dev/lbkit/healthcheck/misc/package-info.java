/** keepalived {@code MISC_CHECK}: start with {@link dev.lbkit.healthcheck.misc.MiscCheck}. */
package dev.lbkit.healthcheck.misc;
