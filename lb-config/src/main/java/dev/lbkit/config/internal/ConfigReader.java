package dev.lbkit.config.internal;

import dev.lbkit.config.ConfigProblem.Severity;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.Location;
import dev.lbkit.config.ParseResult;
import java.nio.file.Path;
import java.util.List;

/** Lexer, tree builder and model builder in a row; the entry point behind {@code KeepalivedConfigParser}. */
public final class ConfigReader {
  private ConfigReader() {}

  /** Reads a file from disk. */
  public static ParseResult readFile(Path file, String displayName) {
    Problems problems = new Problems();
    List<Token> tokens = new Lexer(problems).lexFile(file, displayName);
    return finish(tokens, problems, displayName);
  }

  /** Reads text; includes resolve against {@code baseDir}. */
  public static ParseResult readText(String text, String displayName, Path baseDir) {
    Problems problems = new Problems();
    List<Token> tokens = new Lexer(problems).lexText(text, displayName, baseDir);
    return finish(tokens, problems, displayName);
  }

  private static ParseResult finish(List<Token> tokens, Problems problems, String displayName) {
    Location end = tokens.isEmpty() ? new Location(displayName, 1, 1) : tokens.get(tokens.size() - 1).location();
    List<Node> tree = new TreeBuilder(tokens, problems, end).build();
    KeepalivedConfig config = new ModelBuilder(problems).build(tree);
    return new ParseResult(config, sorted(problems, Severity.ERROR), sorted(problems, Severity.WARNING));
  }

  private static List<dev.lbkit.config.ConfigProblem> sorted(Problems problems, Severity severity) {
    // Problems are found in several passes (braces, structure, values, cross references); show them in file
    // order within each file, files in the order first met.
    List<dev.lbkit.config.ConfigProblem> list = problems.list(severity);
    List<String> files = list.stream().map(p -> p.location().file()).distinct().toList();
    return list.stream().sorted(java.util.Comparator
        .comparingInt((dev.lbkit.config.ConfigProblem p) -> files.indexOf(p.location().file()))
        .thenComparingInt(p -> p.location().line()).thenComparingInt(p -> p.location().column())).toList();
  }
}
