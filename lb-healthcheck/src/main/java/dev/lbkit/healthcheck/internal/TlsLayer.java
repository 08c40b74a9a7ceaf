package dev.lbkit.healthcheck.internal;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.TlsSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

/**
 * The client side of TLS over a non-blocking socket: an {@link SSLEngine} with its three buffers. It never blocks;
 * each call goes as far as the socket allows and says what it waits for. Delegated tasks (certificate checks) run
 * inline on the loop thread: they are short, and a thread per handshake is what this module avoids.
 */
final class TlsLayer {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /** What the handshake waits for. */
  enum Progress {
    DONE,
    NEED_READ,
    NEED_WRITE
  }

  private final SSLEngine engine;
  private final ByteBuffer netIn; // write mode: ciphertext read but not yet unwrapped
  private ByteBuffer netOut; // write mode: ciphertext wrapped but not yet written
  private final ByteBuffer appIn; // plaintext unwrapped, handed out flipped
  private long rawBytesRead;
  private boolean closeNotify;

  TlsLayer(TlsSettings settings, Endpoint target) {
    String address = Endpoint.toAddrString(target.address());
    Optional<String> name = settings.nameToVerify(address);
    engine = settings.context().createSSLEngine(name.orElse(address), target.port());
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    if (name.isPresent()) {
      p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host (or IP) we asked for
    }
    // SNI only when asked for: the JDK would otherwise send the verify host as one
    p.setServerNames(settings.serverName().map(n -> List.<SNIServerName>of(new SNIHostName(n))).orElse(List.of()));
    if (!settings.protocols().isEmpty()) {
      p.setProtocols(settings.protocols().toArray(new String[0]));
    }
    engine.setSSLParameters(p);
    int packet = engine.getSession().getPacketBufferSize();
    netIn = ByteBuffer.allocate(packet);
    netOut = ByteBuffer.allocate(packet);
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
  }

  /** Ciphertext bytes read from the socket so far. */
  long rawBytesRead() {
    return rawBytesRead;
  }

  /** Whether the peer sent close_notify. */
  boolean closeNotifyReceived() {
    return closeNotify;
  }

  /** Whether unwrapped-but-undelivered ciphertext is waiting. */
  boolean hasBufferedInput() {
    return netIn.position() > 0;
  }

  /** Starts the handshake. */
  void begin() throws SSLException {
    engine.beginHandshake();
  }

  /**
   * Drives the handshake as far as it goes without blocking.
   *
   * <p>Any failure before the handshake is done is a handshake failure, as HAProxy 2.6 reports every error while
   * its layer 6 is not established as {@code L6RSP} (check.c {@code chk_report_conn_err}): a reset or a closed
   * socket while our handshake records are in flight (a TLS 1.2 server refusing our client certificate often closes
   * before we finish writing) is an {@link SSLHandshakeException} naming the socket error, not a bare reset.
   *
   * @throws SSLException for a failed handshake, including a socket error during it
   */
  Progress handshake(SocketChannel ch) throws SSLException {
    try {
      return driveHandshake(ch);
    } catch (SSLException e) {
      throw e;
    } catch (IOException e) {
      SSLHandshakeException h = new SSLHandshakeException("the connection failed during the TLS handshake: "
          + e.getMessage());
      h.initCause(e);
      throw h;
    }
  }

  private Progress driveHandshake(SocketChannel ch) throws IOException {
    while (true) {
      if (!flush(ch)) {
        return Progress.NEED_WRITE;
      }
      switch (engine.getHandshakeStatus()) {
        case NEED_TASK:
          runTasks();
          break;
        case NEED_WRAP:
          wrap(EMPTY);
          break;
        case NEED_UNWRAP:
        case NEED_UNWRAP_AGAIN: {
          SSLEngineResult r = unwrap();
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLHandshakeException("the peer closed the TLS session during the handshake");
          }
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            int n = readNet(ch);
            if (n < 0) {
              throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
            }
            if (n == 0) {
              return Progress.NEED_READ;
            }
          }
          break;
        }
        case FINISHED:
        case NOT_HANDSHAKING:
        default:
          return Progress.DONE;
      }
    }
  }

  /**
   * Reads ciphertext from the socket into the input buffer.
   *
   * @return bytes read, 0 if none are ready, -1 at end of stream
   */
  int readNet(SocketChannel ch) throws IOException {
    if (!netIn.hasRemaining()) {
      return 0; // a full record is buffered; unwrap it first
    }
    int n = ch.read(netIn);
    if (n > 0) {
      rawBytesRead += n;
    }
    return n;
  }

  /**
   * Unwraps buffered ciphertext into plaintext, as much as fits.
   *
   * <p>A TLS failure here comes after our side of the handshake finished: with TLS 1.3 a server that refuses our
   * client certificate (or wants one) says so only now, with an alert. HAProxy 2.6 reports such a failure as a
   * socket error ({@code SOCKERR}), not as a layer-6 handshake failure ({@code L6RSP}); so this throws a plain
   * {@link IOException} (an {@link DownReason#IO_ERROR}) naming the alert, not an {@link SSLException} (which
   * would be {@link DownReason#TLS_HANDSHAKE}).
   *
   * @return the plaintext, flipped; valid until the next call
   */
  ByteBuffer decryptBuffered(SocketChannel ch) throws IOException {
    appIn.clear();
    while (!closeNotify) {
      SSLEngineResult r;
      try {
        r = unwrap();
      } catch (SSLException e) {
        throw new IOException("the TLS session failed after the handshake: " + e.getMessage(), e);
      }
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        // the peer's close_notify, often in the same read as the end of its answer: keep what came before it; the
        // engine now wants to wrap our own close_notify, which a check need not send (and wrap would refuse)
        closeNotify = true;
        break;
      }
      if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
        runTasks();
      }
      if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
        wrap(EMPTY); // post-handshake message (key update); best effort
        flush(ch);
      }
      if (r.getStatus() != SSLEngineResult.Status.OK || (r.bytesConsumed() == 0 && r.bytesProduced() == 0)) {
        break;
      }
    }
    appIn.flip();
    return appIn;
  }

  /** Encrypts application bytes into the output buffer; call {@link #flush} next. */
  void wrap(ByteBuffer src) throws SSLException {
    do {
      SSLEngineResult r = engine.wrap(src, netOut);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        ByteBuffer bigger = ByteBuffer.allocate(netOut.capacity() * 2);
        netOut.flip();
        bigger.put(netOut);
        netOut = bigger;
      } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new SSLException("the TLS session is closed");
      } else if (!src.hasRemaining() || r.bytesConsumed() == 0) {
        return;
      }
    } while (src.hasRemaining());
  }

  /** Writes pending ciphertext; true when none is left. */
  boolean flush(SocketChannel ch) throws IOException {
    if (netOut.position() == 0) {
      return true;
    }
    netOut.flip();
    try {
      ch.write(netOut);
    } finally {
      netOut.compact();
    }
    return netOut.position() == 0;
  }

  private SSLEngineResult unwrap() throws SSLException {
    netIn.flip();
    try {
      return engine.unwrap(netIn, appIn);
    } finally {
      netIn.compact();
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }
}
