package dev.lbkit.healthcheck.http;

import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.Step;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One HTTP exchange: send the request, parse the response head (at most {@link HttpCheck#MAX_HEADER_BYTES}), judge
 * the status, and stream the body through MD5 and a bounded text buffer when a body criterion needs it.
 *
 * <p>The body ends at Content-Length, at the last chunk of a chunked body, or at end of stream when neither is
 * given (HTTP/1.0 with {@code Connection: close}, which is what keepalived sends).
 */
final class HttpConversation implements Conversation {
  private enum State {
    HEAD,
    BODY,
  }

  private final HttpCheck check;
  private final byte[] request;
  private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
  private State state = State.HEAD;
  private int tail; // the last four bytes of the head, to spot its end
  private int status;
  private long contentLength = -1;
  private long bodyBytes;
  private ChunkedDecoder chunked;
  private MessageDigest md5;
  private StringBuilder text;

  HttpConversation(HttpCheck check, byte[] request) {
    this.check = check;
    this.request = request;
  }

  @Override
  public Step onConnected() {
    return Step.send(ByteBuffer.wrap(request));
  }

  @Override
  public Step onReceive(ByteBuffer data, boolean endOfStream) {
    if (state == State.HEAD) {
      Step s = readHead(data, endOfStream);
      if (s != null || state == State.HEAD) {
        return s != null ? s : Step.await();
      }
    }
    return readBody(data, endOfStream);
  }

  /** Consumes head bytes; returns a step when done or failed, null to go on to the body. */
  private Step readHead(ByteBuffer data, boolean eof) {
    while (data.hasRemaining()) {
      byte b = data.get();
      head.write(b);
      tail = (tail << 8) | (b & 0xff);
      if (b == '\n' && headComplete()) {
        return afterHead();
      }
      if (head.size() >= HttpCheck.MAX_HEADER_BYTES) {
        return Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR,
            "response head longer than " + HttpCheck.MAX_HEADER_BYTES + " bytes (headers without end?)"));
      }
    }
    if (eof) {
      return Step.finish(new CheckResult.Down(DownReason.CLOSED, head.size() == 0
          ? "the server closed the connection without a response"
          : "the server closed the connection in the middle of the response head (" + head.size() + " bytes)"));
    }
    return Step.await();
  }

  /** The head ends at an empty line: CR LF CR LF, or a bare LF LF from a sloppy server. */
  private boolean headComplete() {
    return (tail & 0xffff) == 0x0a0a || tail == 0x0d0a0d0a;
  }

  private Step afterHead() {
    // limit -1: a head of empty lines only still has a (blank) first line, not an empty array
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r?\n", -1);
    String statusLine = lines[0];
    if (!statusLine.matches("HTTP/\\d\\.\\d \\d{3}( .*)?")) {
      return Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR, "not an HTTP status line: '"
          + abbreviate(statusLine) + "'"));
    }
    status = Integer.parseInt(statusLine.substring(9, 12));
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-length")) {
        try {
          contentLength = Long.parseLong(value);
        } catch (NumberFormatException e) {
          return Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR, "bad Content-Length '"
              + abbreviate(value) + "'"));
        }
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = new ChunkedDecoder();
      }
    }
    if (!check.statusCodes().contains(status)) {
      return Step.finish(new CheckResult.Down(DownReason.BAD_STATUS, "status " + status + " not in "
          + check.statusCodes()));
    }
    for (StatusExpect e : check.statusExpects()) {
      if (!e.accepts(status)) {
        return Step.finish(new CheckResult.Down(DownReason.BAD_STATUS, "status " + status + " fails expect " + e));
      }
    }
    boolean noBody = check.method().equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200);
    if (!check.needsBody()) {
      return Step.finish(CheckResult.Up.of("status " + status));
    }
    if (noBody) {
      contentLength = 0;
    }
    state = State.BODY;
    if (check.digest().isPresent()) {
      try {
        md5 = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has MD5", e);
      }
    }
    if (!check.bodyExpects().isEmpty()) {
      text = new StringBuilder();
    }
    if (contentLength == 0 && chunked == null) {
      return verdict();
    }
    return null;
  }

  private Step readBody(ByteBuffer data, boolean eof) {
    if (chunked != null) {
      ByteBuffer out = ByteBuffer.allocate(data.remaining());
      String err = chunked.decode(data, out);
      if (err != null) {
        return Step.finish(new CheckResult.Down(DownReason.PROTOCOL_ERROR, "bad chunked body: " + err));
      }
      out.flip();
      consume(out);
      if (chunked.done()) {
        return verdict();
      }
    } else {
      if (contentLength >= 0 && data.remaining() > contentLength - bodyBytes) {
        data.limit(data.position() + (int) (contentLength - bodyBytes)); // ignore bytes past the body
      }
      consume(data);
      if (contentLength >= 0 && bodyBytes >= contentLength) {
        return verdict();
      }
    }
    Step early = earlyVerdict();
    if (early != null) {
      return early;
    }
    if (eof) {
      if (chunked != null) {
        return Step.finish(new CheckResult.Down(DownReason.CLOSED, "closed before the last chunk after "
            + bodyBytes + " body bytes"));
      }
      if (contentLength >= 0) {
        return Step.finish(new CheckResult.Down(DownReason.CLOSED, "closed after " + bodyBytes + " of "
            + contentLength + " body bytes"));
      }
      return verdict();
    }
    return Step.await();
  }

  private void consume(ByteBuffer bytes) {
    int n = bytes.remaining();
    bodyBytes += n;
    if (md5 != null) {
      md5.update(bytes.duplicate());
    }
    if (text != null) {
      ByteBuffer d = bytes.duplicate();
      while (d.hasRemaining()) {
        text.append((char) (d.get() & 0xff));
      }
    }
    bytes.position(bytes.limit());
  }

  /** Positive string expectations can pass before the body ends when no digest and no other rule is needed. */
  private Step earlyVerdict() {
    if (md5 != null || text == null) {
      return null;
    }
    for (BodyExpect e : check.bodyExpects()) {
      if (e.negate() || e.regex() || !e.found(text)) {
        return null;
      }
    }
    return Step.finish(CheckResult.Up.of("status " + status + ", body contains " + check.bodyExpects().stream()
        .map(e -> "'" + e.value() + "'").collect(Collectors.joining(" and "))));
  }

  private Step verdict() {
    if (md5 != null) {
      String got = HexFormat.of().formatHex(md5.digest());
      if (!got.equals(check.digest().get())) {
        return Step.finish(new CheckResult.Down(DownReason.DIGEST_MISMATCH, "body MD5 " + got + " (" + bodyBytes
            + " bytes), expected " + check.digest().get()));
      }
    }
    if (text != null) {
      for (BodyExpect e : check.bodyExpects()) {
        if (bodyBytes == 0) { // HAProxy 2.6: no body fails a body rule, negated or not
          return Step.finish(new CheckResult.Down(DownReason.CONTENT_MISMATCH, "no response body to match expect "
              + e));
        }
        if (e.found(text) == e.negate()) {
          return Step.finish(new CheckResult.Down(DownReason.CONTENT_MISMATCH, "body does not satisfy expect "
              + e));
        }
      }
    }
    return Step.finish(CheckResult.Up.of("status " + status + (md5 != null ? ", digest matches" : "")
        + (text != null ? ", expect " + check.bodyExpects().stream().map(BodyExpect::toString)
            .collect(Collectors.joining(" and ")) + " holds" : "")));
  }

  private static String abbreviate(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
  }
}
