package dev.lbkit.scheduling.haproxy;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A parsed {@code balance} line: the algorithm keyword and its arguments. Immutable.
 *
 * <p>Accepted forms, as in HAProxy 2.6's configuration manual: {@code roundrobin}, {@code static-rr},
 * {@code leastconn}, {@code first}, {@code source}, {@code uri [len N] [depth N] [whole] [path-only]},
 * {@code url_param NAME [check_post [N]] [max_wait N]}, {@code hdr(NAME) [use_domain_only]},
 * {@code rdp-cookie[(NAME)]}, {@code random[(DRAWS)]}, {@code hash <expr>} (see {@link HashExprScheduler}).
 */
final class Balance {
  final String algorithm;
  final String name;
  final int len;
  final int depth;
  final boolean whole;
  final boolean pathOnly;
  final boolean useDomainOnly;
  final int draws;

  private Balance(String algorithm, String name, int len, int depth, boolean whole, boolean pathOnly,
      boolean useDomainOnly, int draws) {
    this.algorithm = algorithm;
    this.name = name;
    this.len = len;
    this.depth = depth;
    this.whole = whole;
    this.pathOnly = pathOnly;
    this.useDomainOnly = useDomainOnly;
    this.draws = draws;
  }

  static Balance parse(String text) {
    String[] w = text.trim().split("\\s+");
    if (w.length == 0 || w[0].isEmpty()) {
      throw new IllegalArgumentException("balance needs an algorithm");
    }
    String first = w[0];
    String lower = first.toLowerCase(Locale.ROOT);
    switch (lower) {
      case RoundrobinScheduler.NAME:
      case StaticRrScheduler.NAME:
      case LeastconnScheduler.NAME:
      case FirstScheduler.NAME:
      case SourceScheduler.NAME:
        noMoreWords(w, 1, lower);
        return new Balance(lower, null, 0, 0, false, false, false, 0);
      case UriScheduler.NAME:
        return parseUri(w);
      case UrlParamScheduler.NAME:
        return parseUrlParam(w);
      default:
        break;
    }
    if (lower.equals(HashExprScheduler.NAME)) {
      if (w.length < 2) {
        throw new IllegalArgumentException("balance hash needs a sample expression, e.g. 'hash req.hdr(X-Key)'");
      }
      String expr = text.trim().substring(first.length()).trim();
      return new Balance(HashExprScheduler.NAME, expr, 0, 0, false, false, false, 0);
    }
    if (lower.startsWith("hdr(") || lower.equals("hdr")) {
      String name = argument(first, "hdr", true);
      boolean domain = false;
      for (int i = 1; i < w.length; i++) {
        if (w[i].equals("use_domain_only")) {
          domain = true;
        } else {
          throw new IllegalArgumentException("balance hdr(" + name + "): unknown option '" + w[i]
              + "'; only 'use_domain_only' is accepted");
        }
      }
      return new Balance(HdrScheduler.NAME, name, 0, 0, false, false, domain, 0);
    }
    if (lower.startsWith("rdp-cookie")) {
      String name = first.length() == "rdp-cookie".length() ? "mstshash" : argument(first, "rdp-cookie", true);
      noMoreWords(w, 1, "rdp-cookie");
      return new Balance(RdpCookieScheduler.NAME, name, 0, 0, false, false, false, 0);
    }
    if (lower.startsWith("random")) {
      int draws = 2;
      if (first.length() > "random".length()) {
        String arg = argument(first, "random", true);
        try {
          draws = Integer.parseInt(arg);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("balance random(" + arg + "): the number of draws must be an integer", e);
        }
        if (draws < 1) {
          throw new IllegalArgumentException("balance random(" + arg + "): the number of draws must be at least 1");
        }
      }
      noMoreWords(w, 1, "random");
      return new Balance(RandomScheduler.NAME, null, 0, 0, false, false, false, draws);
    }
    throw new IllegalArgumentException("unknown balance algorithm '" + first + "'; expected roundrobin, static-rr, "
        + "leastconn, first, source, uri, url_param, hdr(<name>), rdp-cookie, random, hash <expression>");
  }

  private static Balance parseUri(String[] w) {
    int len = 0;
    int depth = 0;
    boolean whole = false;
    boolean pathOnly = false;
    for (int i = 1; i < w.length; i++) {
      switch (w[i]) {
        case "len":
        case "depth":
          if (i + 1 >= w.length) {
            throw new IllegalArgumentException("balance uri: '" + w[i] + "' needs a positive number");
          }
          int n = positive("balance uri " + w[i], w[i + 1]);
          if (w[i].equals("len")) {
            len = n;
          } else {
            depth = n;
          }
          i++;
          break;
        case "whole":
          whole = true;
          break;
        case "path-only":
          pathOnly = true;
          break;
        default:
          throw new IllegalArgumentException("balance uri: unknown option '" + w[i]
              + "'; expected len, depth, whole or path-only");
      }
    }
    return new Balance(UriScheduler.NAME, null, len, depth, whole, pathOnly, false, 0);
  }

  private static Balance parseUrlParam(String[] w) {
    if (w.length < 2) {
      throw new IllegalArgumentException("balance url_param needs a parameter name");
    }
    String name = w[1];
    for (int i = 2; i < w.length; i++) {
      switch (w[i]) {
        case "check_post":
          // 2.6 scans bodies of every POST; an optional byte count is accepted and ignored.
          if (i + 1 < w.length && w[i + 1].chars().allMatch(Character::isDigit)) {
            i++;
          }
          break;
        case "max_wait":
          if (i + 1 >= w.length) {
            throw new IllegalArgumentException("balance url_param: 'max_wait' needs a number");
          }
          positive("balance url_param max_wait", w[++i]);
          break;
        default:
          throw new IllegalArgumentException("balance url_param " + name + ": unknown option '" + w[i]
              + "'; expected check_post or max_wait");
      }
    }
    return new Balance(UrlParamScheduler.NAME, name, 0, 0, false, false, false, 0);
  }

  /** The text between the parentheses of {@code word(arg)}. */
  private static String argument(String word, String keyword, boolean required) {
    int open = word.indexOf('(');
    if (open != keyword.length() || !word.endsWith(")")) {
      throw new IllegalArgumentException("balance " + word + ": expected " + keyword + "(<argument>)"
          + (word.indexOf('(') >= 0 && !word.endsWith(")") ? ", missing ')'" : ""));
    }
    String arg = word.substring(open + 1, word.length() - 1);
    if (required && arg.isEmpty()) {
      throw new IllegalArgumentException("balance " + word + ": the argument between parentheses is empty");
    }
    return arg;
  }

  private static int positive(String what, String text) {
    try {
      int n = Integer.parseInt(text);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(what + " must be a positive number but was '" + text + "'");
  }

  private static void noMoreWords(String[] w, int from, String algorithm) {
    if (w.length > from) {
      throw new IllegalArgumentException("balance " + algorithm + " takes no argument but got '" + w[from] + "'");
    }
  }

  boolean isHash() {
    switch (algorithm) {
      case SourceScheduler.NAME:
      case UriScheduler.NAME:
      case UrlParamScheduler.NAME:
      case HdrScheduler.NAME:
      case RdpCookieScheduler.NAME:
      case HashExprScheduler.NAME:
        return true;
      default:
        return false;
    }
  }

  /** Whether weights are static (map-based): static-rr, and hash algorithms with map-based lookup. */
  boolean isStatic(HashType hashType) {
    return algorithm.equals(StaticRrScheduler.NAME)
        || (isHash() && hashType.method() == HashType.Method.MAP_BASED);
  }

  HaproxyScheduler create(HaproxyBackend backend, HashType hashType, RandomGenerator random) {
    switch (algorithm) {
      case RoundrobinScheduler.NAME:
        return new RoundrobinScheduler(backend);
      case StaticRrScheduler.NAME:
        return new StaticRrScheduler(backend);
      case LeastconnScheduler.NAME:
        return new LeastconnScheduler(backend);
      case FirstScheduler.NAME:
        return new FirstScheduler(backend);
      case SourceScheduler.NAME:
        return new SourceScheduler(backend, hashType);
      case UriScheduler.NAME:
        return new UriScheduler(backend, hashType, len, depth, whole, pathOnly);
      case UrlParamScheduler.NAME:
        return new UrlParamScheduler(backend, hashType, name);
      case HdrScheduler.NAME:
        return new HdrScheduler(backend, hashType, name, useDomainOnly);
      case RdpCookieScheduler.NAME:
        return new RdpCookieScheduler(backend, hashType, name);
      case RandomScheduler.NAME:
        return new RandomScheduler(backend, draws, random);
      case HashExprScheduler.NAME:
        return new HashExprScheduler(backend, hashType, name);
      default:
        throw new AssertionError(algorithm);
    }
  }
}
