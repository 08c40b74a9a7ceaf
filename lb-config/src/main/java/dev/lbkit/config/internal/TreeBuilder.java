package dev.lbkit.config.internal;

import dev.lbkit.config.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the statement tree from tokens, guided by the {@link Grammar}, and reports structural problems while
 * recovering the way keepalived does (lib/parser.c), so that one mistake does not hide the next:
 * <ul>
 *   <li>An unknown keyword is reported at its line and column; a block after it is skipped.
 *   <li>A block keyword without {@code '{'} is reported ("missing '{'") and the lines after it are read as its
 *       block anyway, up to the next {@code '}'}, as keepalived does.
 *   <li>Independently of the grammar, braces are counted through the whole input as keepalived counts them: a
 *       {@code '}'} with no open brace left is reported as an extra {@code '}'}. So a missing {@code '{'} usually
 *       also shows as an extra {@code '}'} further down, exactly as keepalived reports it.
 *   <li>A block still open at the end of the input is reported once per open block, at the end of the input,
 *       naming where the block started.
 * </ul>
 */
final class TreeBuilder {
  private final List<Token> tokens;
  private final Problems problems;
  private final Location end;
  private int pos;

  TreeBuilder(List<Token> tokens, Problems problems, Location end) {
    this.tokens = tokens;
    this.problems = problems;
    this.end = end;
  }

  /** The top-level statements. */
  List<Node> build() {
    countBraces();
    List<Node> top = new ArrayList<>();
    readBlock(Grammar.TOP, null, top);
    return top;
  }

  private void countBraces() {
    int depth = 0;
    for (Token t : tokens) {
      if (t.kind() == Token.Kind.OPEN) {
        depth++;
      } else if (t.kind() == Token.Kind.CLOSE) {
        if (depth == 0) {
          problems.error(t.location(), "extra '}' with no block open");
        } else {
          depth--;
        }
      }
    }
  }

  private Optional<Token> peek() {
    return pos < tokens.size() ? Optional.of(tokens.get(pos)) : Optional.empty();
  }

  /**
   * Reads statements into {@code out} until the {@code '}'} closing the block of {@code owner} (null at the top
   * level, where a stray '}' was already reported by the brace count and is skipped).
   */
  private void readBlock(Grammar grammar, Node.Builder owner, List<Node> out) {
    while (true) {
      Optional<Token> next = peek();
      if (next.isEmpty()) {
        if (owner != null) {
          problems.error(end, "missing '}': the " + owner.keyword.text() + " block opened at line "
              + owner.keyword.location().line() + " column " + owner.keyword.location().column()
              + " is not closed at the end of the configuration");
        }
        return;
      }
      Token t = next.get();
      switch (t.kind()) {
        case EOL -> pos++;
        case CLOSE -> {
          pos++;
          if (owner != null) {
            return;
          }
        }
        case OPEN -> {
          problems.error(t.location(), "unexpected '{' not after a block keyword; its block is skipped");
          pos++;
          skipBlockBody();
        }
        case WORD -> statement(grammar, out);
        default -> throw new AssertionError(t.kind());
      }
    }
  }

  private void statement(Grammar grammar, List<Node> out) {
    Token keyword = tokens.get(pos++);
    List<Token> args = new ArrayList<>();
    while (pos < tokens.size() && tokens.get(pos).isWord()) {
      args.add(tokens.get(pos++));
    }
    Location afterLine = afterLast(keyword, args);
    Optional<Grammar.Rule> rule = grammar.rule(keyword.text());
    if (rule.isEmpty()) {
      problems.error(keyword.location(), "unknown keyword '" + keyword.text() + "' in " + grammar.context());
      skipOptionalBlock();
      return;
    }
    Node.Builder node = new Node.Builder(keyword, args);
    switch (rule.get().kind()) {
      case LEAF -> {
        if (atOpen()) {
          problems.error(tokens.get(pos).location(), "'" + keyword.text() + "' takes no block; its block is skipped");
          pos++;
          skipBlockBody();
        }
        out.add(node.build());
      }
      case IGNORED -> {
        problems.warning(keyword.location(), "'" + keyword.text() + "' is accepted but not used by lbkit");
        skipOptionalBlock();
      }
      case UNSUPPORTED -> {
        problems.error(keyword.location(), "'" + keyword.text() + "' is not supported: " + rule.get().note());
        skipOptionalBlock();
      }
      case BLOCK -> {
        expectOpen(keyword, afterLine);
        readBlock(rule.get().block(), node, node.children);
        out.add(node.build());
      }
      case VALUES -> {
        expectOpen(keyword, afterLine);
        readValues(node);
        out.add(node.build());
      }
      default -> throw new AssertionError(rule.get().kind());
    }
  }

  /** keepalived accepts the '{' on the keyword's line or on a line of its own after it. */
  private void expectOpen(Token keyword, Location afterLine) {
    int save = pos;
    while (pos < tokens.size() && tokens.get(pos).kind() == Token.Kind.EOL) {
      pos++;
    }
    if (atOpen()) {
      pos++;
      return;
    }
    pos = save;
    problems.error(afterLine, "missing '{' after '" + keyword.text() + "': the lines that follow are read as its"
        + " block");
  }

  private void readValues(Node.Builder node) {
    List<Token> line = new ArrayList<>();
    while (true) {
      Optional<Token> next = peek();
      if (next.isEmpty()) {
        problems.error(end, "missing '}': the " + node.keyword.text() + " block opened at line "
            + node.keyword.location().line() + " column " + node.keyword.location().column()
            + " is not closed at the end of the configuration");
        addLine(node, line);
        return;
      }
      Token t = next.get();
      pos++;
      switch (t.kind()) {
        case WORD -> line.add(t);
        case EOL -> {
          addLine(node, line);
          line = new ArrayList<>();
        }
        case CLOSE -> {
          addLine(node, line);
          return;
        }
        case OPEN -> {
          problems.error(t.location(), "unexpected '{' inside " + node.keyword.text() + "; its block is skipped");
          skipBlockBody();
        }
        default -> throw new AssertionError(t.kind());
      }
    }
  }

  private static void addLine(Node.Builder node, List<Token> line) {
    if (!line.isEmpty()) {
      node.lines.add(List.copyOf(line));
    }
  }

  private boolean atOpen() {
    return pos < tokens.size() && tokens.get(pos).kind() == Token.Kind.OPEN;
  }

  private void skipOptionalBlock() {
    int save = pos;
    while (pos < tokens.size() && tokens.get(pos).kind() == Token.Kind.EOL) {
      pos++;
    }
    if (atOpen()) {
      pos++;
      skipBlockBody();
    } else {
      pos = save;
    }
  }

  /** Skips to just after the '}' matching an already consumed '{'. */
  private void skipBlockBody() {
    int depth = 1;
    while (pos < tokens.size() && depth > 0) {
      Token t = tokens.get(pos++);
      if (t.kind() == Token.Kind.OPEN) {
        depth++;
      } else if (t.kind() == Token.Kind.CLOSE) {
        depth--;
      }
    }
  }

  private static Location afterLast(Token keyword, List<Token> args) {
    Token last = args.isEmpty() ? keyword : args.get(args.size() - 1);
    Location l = last.location();
    int width = last.text().length() + (last.text().isEmpty() ? 2 : 0);
    return new Location(l.file(), l.line(), l.column() + Math.max(width, 1));
  }
}
