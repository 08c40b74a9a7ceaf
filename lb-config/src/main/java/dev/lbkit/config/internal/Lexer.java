package dev.lbkit.config.internal;

import dev.lbkit.api.io.InputFiles;
import dev.lbkit.config.Location;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Turns keepalived.conf text into tokens, following {@code include} lines into the files they name.
 *
 * <p>The rules are keepalived's (lib/parser.c, read in our own words): a {@code #} or {@code !} outside double
 * quotes starts a comment; words are separated by blanks; a double-quoted string is one word without its quotes;
 * a brace outside quotes is a token of its own even when written against a word; a line whose first word is
 * {@code include} is replaced by the files its pattern matches, each read relative to the directory of the file
 * that includes it. Every line ends with an EOL token, so the tree builder knows where a keyword's parameters end.
 * keepalived's parameter definitions ({@code $NAME=}), conditional lines ({@code @id}), {@code ~SEQ} and
 * backslash line continuation are reported as unsupported rather than misread.
 */
final class Lexer {
  /** Deeper than any sane configuration; stops runaway self-including globs. */
  private static final int MAX_INCLUDE_DEPTH = 32;
  /** Larger than any sane configuration file; stops an include of /dev/zero before it fills the heap. */
  static final int MAX_FILE_BYTES = 32 << 20;

  private final Problems problems;
  private final List<Token> tokens = new ArrayList<>();
  private final Deque<Path> including = new ArrayDeque<>();

  Lexer(Problems problems) {
    this.problems = problems;
  }

  /** Tokens of a file read from disk; {@code displayName} is how messages name it. */
  List<Token> lexFile(Path file, String displayName) {
    Location start = new Location(displayName, 1, 1);
    byte[] bytes;
    try {
      bytes = readBounded(file);
    } catch (IOException e) {
      problems.error(start, "cannot read configuration file: " + InputFiles.reason(e));
      return tokens;
    }
    String text = decode(bytes, displayName);
    if (text != null) {
      lex(text, displayName, file.toAbsolutePath().normalize().getParent(), file.toAbsolutePath().normalize());
    }
    return tokens;
  }

  /**
   * The file's bytes, at most {@link #MAX_FILE_BYTES}: a larger file, or an endless one such as a device a glob
   * matched, is refused rather than read until the heap runs out (on SIGHUP, of a running director).
   */
  private static byte[] readBounded(Path file) throws IOException {
    return InputFiles.readAll(file, MAX_FILE_BYTES, "configuration");
  }

  /**
   * The file's text, or null after an error at the line and column of its first byte that is not UTF-8 (a Latin-1
   * comment, say): keepalived reads bytes, lbkit reads text, and says where rather than only that it could not.
   */
  private String decode(byte[] bytes, String displayName) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never makes more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (!result.isError()) {
      return out.flip().toString();
    }
    int bad = in.position();
    int lineStart = 0;
    int line = 1;
    for (int i = 0; i < bad; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8).length() + 1;
    problems.error(new Location(displayName, line, column), String.format(Locale.ROOT,
        "byte 0x%02X is not UTF-8 text; lbkit reads configuration files as UTF-8 (convert the file, e.g. with"
            + " iconv -f LATIN1 -t UTF-8)", bytes[bad] & 0xff));
    return null;
  }

  /** Tokens of text held in memory; includes resolve against {@code baseDir}. */
  List<Token> lexText(String text, String displayName, Path baseDir) {
    lex(text, displayName, baseDir.toAbsolutePath().normalize(), null);
    return tokens;
  }

  private void lex(String text, String displayName, Path dir, Path self) {
    if (self != null) {
      including.push(self);
    }
    try {
      String[] lines = text.split("\r?\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (i == lines.length - 1 && lines[i].isEmpty()) {
          break; // the newline ending the last line does not start another
        }
        lexLine(lines[i], displayName, i + 1, dir);
      }
    } finally {
      if (self != null) {
        including.pop();
      }
    }
  }

  private void lexLine(String line, String file, int lineNo, Path dir) {
    if (includeLine(line, file, lineNo, dir)) {
      return;
    }
    List<Token> lineTokens = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == '\f' || c == '\u000b' || c == '\r') {
        i++;
      } else if (c == '#' || c == '!') {
        break;
      } else if (c == '{' || c == '}') {
        lineTokens.add(new Token(c == '{' ? Token.Kind.OPEN : Token.Kind.CLOSE, String.valueOf(c),
            new Location(file, lineNo, i + 1)));
        i++;
      } else {
        int start = i;
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        while (i < n) {
          char d = line.charAt(i);
          if (quoted) {
            if (d == '"') {
              quoted = false;
            } else {
              word.append(d);
            }
            i++;
          } else if (d == '"') {
            quoted = true;
            i++;
          } else if (" \t\f\u000b\r{}#!".indexOf(d) >= 0) {
            break;
          } else {
            word.append(d);
            i++;
          }
        }
        if (quoted) {
          problems.error(new Location(file, lineNo, start + 1), "unterminated quote: missing closing '\"'");
        }
        lineTokens.add(new Token(Token.Kind.WORD, word.toString(), new Location(file, lineNo, start + 1)));
      }
    }
    Location eol = new Location(file, lineNo, n + 1);
    if (!lineTokens.isEmpty()) {
      Token first = lineTokens.get(0);
      if (first.isWord() && unsupportedLine(first, lineTokens)) {
        return;
      }
      Token last = lineTokens.get(lineTokens.size() - 1);
      if (last.isWord() && last.text().endsWith("\\")) {
        problems.error(last.location(), "line continuation with '\\' is not supported by lbkit");
      }
    }
    tokens.addAll(lineTokens);
    tokens.add(new Token(Token.Kind.EOL, "", eol));
  }

  /**
   * keepalived recognises an include line before it looks for braces, so a pattern such as
   * {@code {a,b}/*.conf} keeps its braces: split the line on blanks only.
   */
  private boolean includeLine(String line, String file, int lineNo, Path dir) {
    int start = 0;
    while (start < line.length() && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
      start++;
    }
    if (!line.startsWith("include", start) || (line.length() > start + 7
        && line.charAt(start + 7) != ' ' && line.charAt(start + 7) != '\t')) {
      return false;
    }
    List<Token> words = new ArrayList<>();
    int i = start;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r') {
        i++;
        continue;
      }
      if (c == '#' || c == '!') {
        break;
      }
      int from = i;
      StringBuilder w = new StringBuilder();
      boolean quoted = false;
      while (i < line.length() && (quoted || (line.charAt(i) != ' ' && line.charAt(i) != '\t'))) {
        char d = line.charAt(i++);
        if (d == '"') {
          quoted = !quoted;
        } else {
          w.append(d);
        }
      }
      words.add(new Token(Token.Kind.WORD, w.toString(), new Location(file, lineNo, from + 1)));
    }
    include(words, file, dir);
    return true;
  }

  private boolean unsupportedLine(Token first, List<Token> line) {
    String w = first.text();
    if (w.startsWith("$") && (w.contains("=") || (line.size() > 1 && line.get(1).text().startsWith("=")))) {
      problems.error(first.location(), "parameter definitions ($NAME=...) are not supported by lbkit");
      return true;
    }
    if (w.startsWith("@")) {
      problems.error(first.location(), "conditional configuration lines (@ID ...) are not supported by lbkit");
      return true;
    }
    if (w.startsWith("~SEQ")) {
      problems.error(first.location(), "~SEQ lines are not supported by lbkit");
      return true;
    }
    if (w.startsWith("$")) {
      problems.error(first.location(), "parameter substitution ($NAME) is not supported by lbkit");
      return true;
    }
    return false;
  }

  private void include(List<Token> line, String file, Path dir) {
    Token keyword = line.get(0);
    if (line.size() != 2 || !line.get(1).isWord()) {
      problems.error(keyword.location(), "include needs exactly one file name or pattern");
      return;
    }
    Token pattern = line.get(1);
    if (including.size() >= MAX_INCLUDE_DEPTH) {
      problems.error(pattern.location(), "includes nested deeper than " + MAX_INCLUDE_DEPTH + " files");
      return;
    }
    List<Path> matches;
    try {
      matches = Glob.expand(dir, pattern.text());
    } catch (IOException e) {
      problems.error(pattern.location(),
          "cannot expand include pattern '" + pattern.text() + "': " + InputFiles.reason(e));
      return;
    }
    int used = 0;
    int directories = 0;
    for (Path match : matches) {
      if (Files.isDirectory(match)) {
        directories++;
        continue; // keepalived skips directories a pattern matches
      }
      Path real = match.toAbsolutePath().normalize();
      if (including.contains(real)) {
        problems.error(pattern.location(), "include cycle: " + displayOf(file, dir, match) + " is already being read");
        continue;
      }
      used++;
      String display = displayOf(file, dir, match);
      byte[] bytes;
      try {
        bytes = readBounded(match);
      } catch (IOException e) {
        problems.error(pattern.location(), "cannot read included file " + display + ": " + InputFiles.reason(e));
        continue;
      }
      String text = decode(bytes, display);
      if (text != null) {
        lex(text, display, real.getParent(), real);
      }
    }
    if (matches.isEmpty()) {
      problems.warning(pattern.location(), "no configuration file matched include '" + pattern.text() + "'");
    } else if (used == 0 && directories == matches.size()) {
      problems.warning(pattern.location(), "include '" + pattern.text() + "' matched only directories, which"
          + " keepalived skips; include their files with a pattern such as " + pattern.text() + "/*.conf");
    }
  }

  /** An included file named as its includer is named: relative names stay relative to the same place. */
  private static String displayOf(String includerDisplay, Path includerDir, Path match) {
    Path includerParent = Path.of(includerDisplay).getParent();
    Path relative;
    try {
      relative = includerDir.relativize(match.toAbsolutePath().normalize());
    } catch (IllegalArgumentException e) {
      return match.toAbsolutePath().normalize().toString();
    }
    if (includerParent == null && relative.startsWith("..")) {
      return match.toAbsolutePath().normalize().toString();
    }
    return includerParent == null ? relative.normalize().toString() : includerParent.resolve(relative).normalize().toString();
  }
}
