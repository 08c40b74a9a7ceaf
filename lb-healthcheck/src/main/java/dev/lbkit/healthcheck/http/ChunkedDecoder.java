package dev.lbkit.healthcheck.http;

import java.nio.ByteBuffer;

/** Undoes HTTP/1.1 chunked transfer coding (RFC 9112 section 7.1), incrementally, with bounded line lengths. */
final class ChunkedDecoder {
  private static final int MAX_LINE = 1024;

  private enum State {
    SIZE,
    DATA,
    DATA_END,
    TRAILER,
    DONE
  }

  private State state = State.SIZE;
  private final StringBuilder line = new StringBuilder();
  private long remaining;

  boolean done() {
    return state == State.DONE;
  }

  /** Decodes from {@code in} into {@code out}; returns an error text or null. */
  String decode(ByteBuffer in, ByteBuffer out) {
    while (in.hasRemaining() && state != State.DONE) {
      switch (state) {
        case SIZE: {
          String l = line(in);
          if (l == null) {
            if (line.length() > MAX_LINE) {
              return "chunk size line longer than " + MAX_LINE;
            }
            continue;
          }
          int semi = l.indexOf(';'); // chunk extensions are ignored
          String hex = (semi >= 0 ? l.substring(0, semi) : l).trim();
          try {
            remaining = Long.parseLong(hex, 16);
          } catch (NumberFormatException e) {
            return "chunk size '" + hex + "' is not hexadecimal";
          }
          if (remaining < 0) {
            return "negative chunk size";
          }
          state = remaining == 0 ? State.TRAILER : State.DATA;
          break;
        }
        case DATA: {
          int n = (int) Math.min(remaining, in.remaining());
          ByteBuffer slice = in.slice();
          slice.limit(n);
          out.put(slice);
          in.position(in.position() + n);
          remaining -= n;
          if (remaining == 0) {
            state = State.DATA_END;
          }
          break;
        }
        case DATA_END: {
          String l = line(in);
          if (l != null) {
            if (!l.isEmpty()) {
              return "chunk data not followed by CRLF";
            }
            state = State.SIZE;
          } else if (line.length() > 2) {
            return "chunk data not followed by CRLF";
          }
          break;
        }
        case TRAILER: {
          String l = line(in);
          if (l == null) {
            if (line.length() > MAX_LINE) {
              return "trailer line longer than " + MAX_LINE;
            }
            continue;
          }
          if (l.isEmpty()) {
            state = State.DONE;
          }
          break;
        }
        default:
          return null;
      }
    }
    return null;
  }

  /** Reads up to LF; returns the line without CR LF, or null if incomplete. */
  private String line(ByteBuffer in) {
    while (in.hasRemaining()) {
      char c = (char) (in.get() & 0xff);
      if (c == '\n') {
        int len = line.length();
        String l = len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
        line.setLength(0);
        return l;
      }
      line.append(c);
      if (line.length() > MAX_LINE) {
        return null;
      }
    }
    return null;
  }
}
