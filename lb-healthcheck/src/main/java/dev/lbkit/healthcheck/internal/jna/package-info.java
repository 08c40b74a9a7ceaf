/** The native edge of lb-healthcheck: spawning MISC_CHECK programs with libc through JNA. Not API. */
package dev.lbkit.healthcheck.internal.jna;
