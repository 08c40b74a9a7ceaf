package dev.lbkit.config.internal;

import dev.lbkit.config.Location;
import java.util.List;

/**
 * One statement of keepalived.conf: a keyword, its parameters on the same line, and for a block its children
 * (keyword blocks) or its lines (value blocks such as {@code virtual_ipaddress}).
 *
 * @param keyword the keyword token
 * @param args the words after it on its line
 * @param children the statements of its block
 * @param lines the lines of a value block, each a non-empty list of words
 */
record Node(Token keyword, List<Token> args, List<Node> children, List<List<Token>> lines) {
  Node {
    args = List.copyOf(args);
    children = List.copyOf(children);
    lines = List.copyOf(lines);
  }

  String name() {
    return keyword.text();
  }

  Location location() {
    return keyword.location();
  }

  /** Collects a node while its block is read. */
  static final class Builder {
    final Token keyword;
    final List<Token> args;
    final List<Node> children = new java.util.ArrayList<>();
    final List<List<Token>> lines = new java.util.ArrayList<>();

    Builder(Token keyword, List<Token> args) {
      this.keyword = keyword;
      this.args = args;
    }

    Node build() {
      return new Node(keyword, args, children, lines);
    }
  }
}
