/**
 * keepalived {@code HTTP_GET}/{@code SSL_GET} and HAProxy {@code option httpchk}: start with
 * {@link dev.lbkit.healthcheck.http.HttpCheck}; status sets are {@link dev.lbkit.healthcheck.http.StatusCodes}.
 */
package dev.lbkit.healthcheck.http;
