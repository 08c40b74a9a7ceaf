package dev.lbkit.scheduling.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for trace files (RFC 8259). Objects become insertion-ordered {@code Map<String, Object>},
 * arrays {@code List<Object>}, numbers {@code Long} when integral and in range, otherwise {@code Double}; strings,
 * booleans and {@code null} map to themselves. Arrays and objects nest at most {@link #MAX_DEPTH} deep, so a hostile
 * file gets a {@link JsonException} rather than a {@code StackOverflowError}. Stateless and thread-safe.
 */
public final class Json {
  /** How deep arrays and objects may nest; a trace record needs three levels. */
  public static final int MAX_DEPTH = 512;

  /** Malformed JSON, with the character offset where reading stopped. */
  public static final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    JsonException(String message, int offset) {
      super(message + " at offset " + offset);
      this.offset = offset;
    }

    /** The character offset of the problem. */
    public int offset() {
      return offset;
    }
  }

  private final String text;
  private int pos;
  private int depth;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value that makes up the whole text (surrounding whitespace allowed).
   *
   * @throws JsonException if the text is not exactly one JSON value
   */
  public static Object parse(String text) {
    Json p = new Json(text);
    p.skipWhitespace();
    Object value = p.readValue();
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw new JsonException("unexpected text after the value", p.pos);
    }
    return value;
  }

  /**
   * Parses a text that must be a JSON object.
   *
   * @throws JsonException if it is malformed or not an object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) {
      throw new JsonException("expected a JSON object", 0);
    }
    return (Map<String, Object>) value;
  }

  private Object readValue() {
    if (pos >= text.length()) {
      throw new JsonException("unexpected end of input", pos);
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return readObject();
      case '[':
        return readArray();
      case '"':
        return readString();
      case 't':
        expectWord("true");
        return Boolean.TRUE;
      case 'f':
        expectWord("false");
        return Boolean.FALSE;
      case 'n':
        expectWord("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw new JsonException("unexpected character '" + c + "'", pos);
    }
  }

  private Map<String, Object> readObject() {
    enter();
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw new JsonException("expected a string key", pos);
      }
      int keyAt = pos;
      String key = readString();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object value = readValue();
      if (map.containsKey(key)) {
        throw new JsonException("duplicate key \"" + key + "\"", keyAt);
      }
      map.put(key, value);
      skipWhitespace();
      char c = next();
      if (c == '}') {
        depth--;
        return Collections.unmodifiableMap(map);
      }
      if (c != ',') {
        throw new JsonException("expected ',' or '}' in an object", pos - 1);
      }
    }
  }

  private List<Object> readArray() {
    enter();
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      skipWhitespace();
      list.add(readValue());
      skipWhitespace();
      char c = next();
      if (c == ']') {
        depth--;
        return Collections.unmodifiableList(list);
      }
      if (c != ',') {
        throw new JsonException("expected ',' or ']' in an array", pos - 1);
      }
    }
  }

  /** Counts one more open array or object; readObject and readArray undo it when they close. */
  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw new JsonException("arrays and objects nested deeper than " + MAX_DEPTH, pos);
    }
  }

  private String readString() {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw new JsonException("unterminated string", pos);
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw new JsonException("control character in a string", pos - 1);
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"':
        case '\\':
        case '/':
          sb.append(e);
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'u':
          if (pos + 4 > text.length()) {
            throw new JsonException("short \\u escape", pos);
          }
          int unit = 0;
          for (int i = pos; i < pos + 4; i++) {
            int digit = hexDigit(text.charAt(i));
            if (digit < 0) {
              throw new JsonException("bad \\u escape", pos);
            }
            unit = unit * 16 + digit;
          }
          sb.append((char) unit);
          pos += 4;
          break;
        default:
          throw new JsonException("bad escape '\\" + e + "'", pos - 1);
      }
    }
  }

  private Object readNumber() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw new JsonException("expected a digit", pos);
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      pos++;
      requireDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      requireDigits();
    }
    String number = text.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(number);
      } catch (NumberFormatException tooBig) {
        return Double.parseDouble(number);
      }
    }
    return Double.parseDouble(number);
  }

  private void requireDigits() {
    if (!isDigit(peek())) {
      throw new JsonException("expected a digit", pos);
    }
    while (isDigit(peek())) {
      pos++;
    }
  }

  /** The value of an ASCII hex digit, or -1 (Character.digit would also take other scripts' digits). */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void expectWord(String word) {
    if (!text.startsWith(word, pos)) {
      throw new JsonException("expected " + word, pos);
    }
    pos += word.length();
  }

  private void expect(char c) {
    if (next() != c) {
      throw new JsonException("expected '" + c + "'", pos - 1);
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= text.length()) {
      throw new JsonException("unexpected end of input", pos);
    }
    return text.charAt(pos++);
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }
}
