package dev.lbkit.scheduling.haproxy;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A backend's {@code hash-type}: the lookup method, the hash function and whether {@code avalanche} mixes the
 * result. Immutable.
 *
 * <p>Defaults follow HAProxy 2.6: no line means map-based sdbm without avalanche, and a bare
 * {@code hash-type consistent} means sdbm <em>with</em> avalanche; once a function is written, avalanche applies
 * only if written too.
 *
 * @param method map-based or consistent
 * @param function the hash function
 * @param avalanche whether the {@code avalanche} modifier applies
 */
public record HashType(Method method, HashFunction function, boolean avalanche) {

  /** How a hash selects a server. */
  public enum Method {
    /** {@code map-based}: a static table of weighted slots, {@code hash mod slots}. */
    MAP_BASED("map-based"),
    /** {@code consistent}: a ring of weighted points, the nearest point wins. */
    CONSISTENT("consistent");

    private final String keyword;

    Method(String keyword) {
      this.keyword = keyword;
    }

    /** The word in the configuration. */
    public String keyword() {
      return keyword;
    }
  }

  /** HAProxy's default when a backend has no {@code hash-type} line. */
  public static final HashType DEFAULT = new HashType(Method.MAP_BASED, HashFunction.SDBM, false);

  public HashType {
    requireNonNull(method, "method");
    requireNonNull(function, "function");
  }

  /**
   * Parses what follows {@code hash-type}: {@code <map-based|consistent> [<function> [avalanche]]}.
   *
   * @param text for example {@code consistent djb2 avalanche}; {@code null} or blank means no line
   * @throws IllegalArgumentException naming the offending word
   */
  public static HashType parse(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT;
    }
    String[] words = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
    int i = 0;
    if (words[0].equals("hash-type")) {
      i++;
    }
    if (i >= words.length) {
      throw new IllegalArgumentException("hash-type needs a method: map-based or consistent");
    }
    Method method;
    switch (words[i]) {
      case "map-based":
        method = Method.MAP_BASED;
        break;
      case "consistent":
        method = Method.CONSISTENT;
        break;
      default:
        throw new IllegalArgumentException(
            "unknown hash-type method '" + words[i] + "'; expected map-based or consistent");
    }
    i++;
    if (i == words.length) {
      return new HashType(method, HashFunction.SDBM, method == Method.CONSISTENT);
    }
    HashFunction function = HashFunction.of(words[i++]);
    boolean avalanche = false;
    if (i < words.length) {
      if (!words[i].equals("avalanche")) {
        throw new IllegalArgumentException(
            "unknown hash-type modifier '" + words[i] + "'; only 'avalanche' is accepted");
      }
      avalanche = true;
      i++;
    }
    if (i < words.length) {
      throw new IllegalArgumentException("unexpected word '" + words[i] + "' after hash-type " + text.trim());
    }
    return new HashType(method, function, avalanche);
  }

  /** Applies the function and, when configured, avalanche to a key. */
  public long hash(byte[] key, int offset, int length) {
    long h = function.hash(key, offset, length);
    return avalanche ? HashFunction.avalanche(h) : h;
  }

  /** The configuration text, e.g. {@code consistent sdbm avalanche}. */
  @Override
  public String toString() {
    return method.keyword() + " " + function.keyword() + (avalanche ? " avalanche" : "");
  }
}
