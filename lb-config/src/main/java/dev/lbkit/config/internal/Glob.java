package dev.lbkit.config.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Expands an {@code include} pattern as keepalived does with glob(3) and {@code GLOB_BRACE}: csh-style braces
 * first ({@code {a,b}} may span directories), then {@code *}, {@code ?} and {@code [...]} within each path
 * component. A leading dot is only matched by a pattern that starts with one. Each brace alternative's matches are
 * sorted by name, and alternatives keep their order, as glob(3) returns them.
 */
final class Glob {
  private Glob() {}

  /** The existing files and directories matching the pattern, resolved against a directory when relative. */
  static List<Path> expand(Path baseDir, String pattern) throws IOException {
    List<Path> result = new ArrayList<>();
    for (String alternative : expandBraces(pattern)) {
      Path start;
      String rest;
      if (alternative.startsWith("/")) {
        start = Path.of("/");
        rest = alternative.substring(1);
      } else {
        start = baseDir;
        rest = alternative;
      }
      List<Path> matches = new ArrayList<>();
      walk(start, rest.split("/+"), 0, matches);
      for (Path p : matches) {
        if (!result.contains(p)) {
          result.add(p);
        }
      }
    }
    return result;
  }

  private static void walk(Path dir, String[] parts, int index, List<Path> out) throws IOException {
    if (index == parts.length) {
      if (Files.exists(dir)) {
        out.add(dir);
      }
      return;
    }
    String part = parts[index];
    if (part.isEmpty() || part.equals(".")) {
      walk(dir, parts, index + 1, out);
      return;
    }
    if (!hasWildcard(part)) {
      walk(dir.resolve(part), parts, index + 1, out);
      return;
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + escapeForJava(part));
    Set<String> names = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".") && !part.startsWith(".")) {
          continue;
        }
        if (matcher.matches(Path.of(name))) {
          names.add(name);
        }
      }
    }
    for (String name : names) {
      walk(dir.resolve(name), parts, index + 1, out);
    }
  }

  private static boolean hasWildcard(String part) {
    return part.indexOf('*') >= 0 || part.indexOf('?') >= 0 || part.indexOf('[') >= 0;
  }

  /** Java's glob treats braces and backslash specially; braces were already expanded, so quote what is left. */
  private static String escapeForJava(String part) {
    StringBuilder b = new StringBuilder();
    for (char c : part.toCharArray()) {
      if (c == '{' || c == '}' || c == '\\' || c == ',') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** csh brace expansion: {@code a{b,c{d,e}}f} is abf, acdf, acef. Unbalanced braces are kept literally. */
  static List<String> expandBraces(String pattern) {
    int open = pattern.indexOf('{');
    if (open < 0) {
      return List.of(pattern);
    }
    int depth = 0;
    int close = -1;
    List<Integer> commas = new ArrayList<>();
    for (int i = open; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          close = i;
          break;
        }
      } else if (c == ',' && depth == 1) {
        commas.add(i);
      }
    }
    if (close < 0) {
      return List.of(pattern);
    }
    String prefix = pattern.substring(0, open);
    String suffix = pattern.substring(close + 1);
    List<String> result = new ArrayList<>();
    int from = open + 1;
    commas.add(close);
    for (int comma : commas) {
      String middle = pattern.substring(from, comma);
      for (String tail : expandBraces(middle + suffix)) {
        result.add(prefix + tail);
      }
      from = comma + 1;
    }
    return result;
  }
}
