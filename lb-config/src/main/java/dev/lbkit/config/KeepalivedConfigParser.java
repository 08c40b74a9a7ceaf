package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import dev.lbkit.config.internal.ConfigReader;
import java.nio.file.Path;

/**
 * Reads keepalived.conf: {@code global_defs}, {@code vrrp_sync_group}, {@code vrrp_instance},
 * {@code vrrp_script} and {@code virtual_server} with {@code real_server}s and their {@code TCP_CHECK},
 * {@code HTTP_GET}, {@code SSL_GET} and {@code MISC_CHECK} checkers, following {@code include} lines (with glob
 * patterns, relative to the including file) as keepalived does.
 *
 * <pre>{@code
 * ParseResult result = KeepalivedConfigParser.parse(Path.of("/etc/keepalived/keepalived.conf"));
 * result.errors().forEach(System.err::println);        // FILE:LINE:COLUMN: message
 * KeepalivedConfig config = result.orThrow();
 * List<LoadBalancedService> table = config.initialTable();
 * }</pre>
 *
 * <p>Every error is collected, not just the first: unknown keywords, missing or extra braces, bad values and
 * broken references each name their file, line and column. Warnings (a password truncated to 8 characters, a
 * keyword lbkit accepts but does not use) are kept apart and do not make the result fail. Stateless and
 * thread-safe.
 */
public final class KeepalivedConfigParser {
  private KeepalivedConfigParser() {}

  /** Parses a file; messages name it as given here. Never throws for bad content: see {@link ParseResult}. */
  public static ParseResult parse(Path file) {
    requireNonNull(file, "file");
    return ConfigReader.readFile(file, file.toString());
  }

  /**
   * Parses text held in memory.
   *
   * @param fileName how messages name the text
   * @param text the configuration
   * @param baseDir the directory relative {@code include} patterns are resolved against
   */
  public static ParseResult parse(String fileName, String text, Path baseDir) {
    requireNonNull(fileName, "fileName");
    requireNonNull(text, "text");
    requireNonNull(baseDir, "baseDir");
    return ConfigReader.readText(text, fileName, baseDir);
  }
}
