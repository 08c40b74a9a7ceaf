package dev.lbkit.scheduling.haproxy;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import java.util.OptionalInt;

/**
 * One {@code server} line of a backend. Immutable.
 *
 * @param name the server name, unique in its backend
 * @param endpoint address and port
 * @param weight 0 to 256; 0 means never picked
 * @param id the explicit numeric {@code id}, or empty for the automatic one
 * @param backup whether it is a {@code backup} server
 * @param maxconn the {@code maxconn} limit, 0 for none
 */
public record ServerConfig(String name, Endpoint endpoint, int weight, OptionalInt id, boolean backup, int maxconn) {
  /** HAProxy's largest server weight. */
  public static final int MAX_WEIGHT = 256;

  public ServerConfig {
    requireNonNull(name, "name");
    requireNonNull(endpoint, "endpoint");
    requireNonNull(id, "id");
    if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '/')) {
      throw new IllegalArgumentException("server name must be non-empty without spaces or '/' but was '" + name + "'");
    }
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight must be in [0, 256] but was " + weight + " (server " + name + ")");
    }
    if (id.isPresent() && id.getAsInt() <= 0) {
      throw new IllegalArgumentException("id must be positive but was " + id.getAsInt() + " (server " + name + ")");
    }
    if (maxconn < 0) {
      throw new IllegalArgumentException("maxconn must not be negative but was " + maxconn + " (server " + name + ")");
    }
  }

  /** An active server with an automatic id and no connection limit. */
  public static ServerConfig of(String name, Endpoint endpoint, int weight) {
    return new ServerConfig(name, endpoint, weight, OptionalInt.empty(), false, 0);
  }

  /** The same server with an explicit id. */
  public ServerConfig withId(int newId) {
    return new ServerConfig(name, endpoint, weight, OptionalInt.of(newId), backup, maxconn);
  }

  /** The same server as a backup (or not). */
  public ServerConfig withBackup(boolean newBackup) {
    return new ServerConfig(name, endpoint, weight, id, newBackup, maxconn);
  }

  /** The same server with a {@code maxconn}. */
  public ServerConfig withMaxconn(int newMaxconn) {
    return new ServerConfig(name, endpoint, weight, id, backup, newMaxconn);
  }
}
