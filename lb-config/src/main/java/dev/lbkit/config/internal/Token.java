package dev.lbkit.config.internal;

import dev.lbkit.config.Location;

/**
 * One lexical token of keepalived.conf.
 *
 * @param kind word, brace or end of line
 * @param text the word without its quotes; "{" or "}" for braces; empty for an end of line
 * @param location where the token starts
 */
record Token(Kind kind, String text, Location location) {
  enum Kind {
    WORD,
    OPEN,
    CLOSE,
    EOL
  }

  boolean isWord() {
    return kind == Kind.WORD;
  }

  @Override
  public String toString() {
    return kind == Kind.EOL ? "end of line" : "'" + text + "'";
  }
}
