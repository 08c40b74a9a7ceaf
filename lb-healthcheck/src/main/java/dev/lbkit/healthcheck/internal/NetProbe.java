package dev.lbkit.healthcheck.internal;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.NetworkCheck;
import dev.lbkit.healthcheck.Step;
import dev.lbkit.healthcheck.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a {@link NetworkCheck} on an {@link EventLoop}: connect, optional TLS handshake, then the
 * conversation, all non-blocking, under a hard deadline and a byte cap.
 *
 * <p>Phases: CONNECTING (SYN sent), HANDSHAKING (TLS), TALKING. Whatever happens first ends the attempt: the
 * conversation's verdict, an I/O error (classified by {@link Failures}), the byte cap, end of stream, or the
 * deadline. The socket is then closed with SO_LINGER 0, so a check leaves no TIME_WAIT behind (HAProxy closes
 * its check connections the same way). The result is reported exactly once.
 */
final class NetProbe implements EventLoop.Handler {
  private static final Logger log = LoggerFactory.getLogger(NetProbe.class);
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private enum Phase {
    CONNECTING,
    HANDSHAKING,
    TALKING
  }

  private final EventLoop loop;
  private final NetworkCheck check;
  private final Duration timeout;
  private final Consumer<CheckResult> done;
  private Conversation conversation;
  private CheckScheduler.Timer deadline;
  private SelectableChannel channel;
  private SelectionKey key;
  private TlsLayer tls;
  private ByteBuffer pendingOut; // plain TCP or UDP bytes not yet written, read mode
  private Phase phase = Phase.CONNECTING;
  private long bytesRead;
  private boolean finished;

  NetProbe(EventLoop loop, NetworkCheck check, Duration timeout, Consumer<CheckResult> done) {
    this.loop = loop;
    this.check = check;
    this.timeout = timeout;
    this.done = done;
  }

  void start() {
    deadline = loop.schedule(timeout, this::onDeadline);
    try {
      conversation = check.newConversation();
      if (check.transport() == Transport.UDP) {
        startUdp();
      } else {
        startTcp();
      }
    } catch (IOException e) {
      finish(Failures.classify(e));
    } catch (RuntimeException e) {
      log.warn("check {} failed to start", check.describe(), e);
      finish(new CheckResult.Down(DownReason.CHECK_ERROR, e.toString()));
    }
  }

  private static ProtocolFamily family(Endpoint target) {
    return target.family() == AddressFamily.IPV6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
  }

  private void startTcp() throws IOException {
    Endpoint target = check.target();
    SocketChannel ch = SocketChannel.open(family(target));
    channel = ch;
    ch.configureBlocking(false);
    // no TCP_NODELAY: a check writes at most once per round trip, so Nagle never holds anything back
    ch.setOption(StandardSocketOptions.SO_LINGER, 0);
    if (check.bindTo().isPresent()) {
      ch.bind(new InetSocketAddress(check.bindTo().get(), 0));
    }
    if (ch.connect(new InetSocketAddress(target.address(), target.port()))) {
      onTransportReady(); // registered only if it has to wait for something
    } else {
      interest(SelectionKey.OP_CONNECT);
    }
  }

  private void startUdp() throws IOException {
    Endpoint target = check.target();
    DatagramChannel ch = DatagramChannel.open(family(target));
    channel = ch;
    ch.configureBlocking(false);
    InetAddress bind = check.bindTo().orElse(null);
    if (bind != null) {
      ch.bind(new InetSocketAddress(bind, 0));
    }
    ch.connect(new InetSocketAddress(target.address(), target.port())); // ICMP errors now reach this socket
    onTransportReady();
  }

  private void onTransportReady() throws IOException {
    if (check.tls().isPresent()) {
      phase = Phase.HANDSHAKING;
      tls = new TlsLayer(check.tls().get(), check.target());
      tls.begin();
      continueHandshake();
    } else {
      phase = Phase.TALKING;
      apply(callConnected());
    }
  }

  private void continueHandshake() throws IOException {
    TlsLayer.Progress p = tls.handshake((SocketChannel) channel);
    if (tls.rawBytesRead() > capWithSlack()) {
      finish(tooLarge());
      return;
    }
    switch (p) {
      case NEED_READ:
        interest(SelectionKey.OP_READ);
        break;
      case NEED_WRITE:
        interest(SelectionKey.OP_WRITE);
        break;
      case DONE:
      default:
        phase = Phase.TALKING;
        apply(callConnected());
        if (!finished && tls.hasBufferedInput()) {
          readTls(false); // the server may have sent data right behind its last handshake record
        }
        break;
    }
  }

  @Override
  public void onReady(SelectionKey k) {
    try {
      if (phase == Phase.CONNECTING) {
        if (k.isConnectable()) {
          ((SocketChannel) channel).finishConnect();
          interest(0);
          onTransportReady();
        }
        return;
      }
      if (phase == Phase.HANDSHAKING) {
        continueHandshake();
        return;
      }
      if (k.isWritable()) {
        if (flushOut()) {
          interest(SelectionKey.OP_READ);
        }
      }
      if (!finished && k.isValid() && k.isReadable()) {
        if (tls != null) {
          readTls(true);
        } else if (channel instanceof DatagramChannel) {
          readUdp();
        } else {
          readTcp();
        }
      }
    } catch (IOException e) {
      finish(Failures.classify(e));
    }
  }

  private void readTcp() throws IOException {
    ByteBuffer buf = loop.readBuffer();
    int n = ((SocketChannel) channel).read(buf);
    if (n < 0) {
      deliver(EMPTY, true);
    } else if (n > 0) {
      bytesRead += n;
      if (bytesRead > check.maxBytes()) {
        finish(tooLarge());
        return;
      }
      buf.flip();
      deliver(buf, false);
    }
  }

  private void readUdp() throws IOException {
    ByteBuffer buf = loop.readBuffer();
    int n = ((DatagramChannel) channel).read(buf);
    if (n > 0) {
      bytesRead += n;
      if (bytesRead > check.maxBytes()) {
        finish(tooLarge());
        return;
      }
      buf.flip();
      deliver(buf, false);
    }
  }

  private void readTls(boolean fromSocket) throws IOException {
    SocketChannel ch = (SocketChannel) channel;
    int n = fromSocket ? tls.readNet(ch) : 0;
    if (tls.rawBytesRead() > capWithSlack()) {
      finish(tooLarge());
      return;
    }
    while (!finished) {
      ByteBuffer app = tls.decryptBuffered(ch);
      if (!app.hasRemaining()) {
        break;
      }
      bytesRead += app.remaining();
      if (bytesRead > check.maxBytes()) {
        finish(tooLarge());
        return;
      }
      deliver(app, false);
    }
    if (!finished && (n < 0 || tls.closeNotifyReceived())) {
      deliver(EMPTY, true);
    }
  }

  private long capWithSlack() {
    return 2L * check.maxBytes() + 256 * 1024; // ciphertext overhead and handshake records
  }

  private CheckResult.Down tooLarge() {
    return new CheckResult.Down(DownReason.TOO_LARGE, "the peer sent more than " + check.maxBytes() + " bytes");
  }

  private Step callConnected() {
    try {
      return conversation.onConnected();
    } catch (RuntimeException e) {
      log.warn("conversation of {} threw on connect", check.describe(), e);
      return Step.finish(new CheckResult.Down(DownReason.CHECK_ERROR, e.toString()));
    }
  }

  private void deliver(ByteBuffer data, boolean eof) throws IOException {
    Step s;
    try {
      s = conversation.onReceive(data, eof);
    } catch (RuntimeException e) {
      log.warn("conversation of {} threw on receive", check.describe(), e);
      s = Step.finish(new CheckResult.Down(DownReason.CHECK_ERROR, e.toString()));
    }
    if (eof && !(s instanceof Step.Finish)) {
      s = Step.finish(new CheckResult.Down(DownReason.CLOSED, bytesRead == 0
          ? "the peer closed the connection without answering"
          : "the peer closed the connection after " + bytesRead + " bytes, before a complete answer"));
    }
    apply(s);
  }

  private void apply(Step s) throws IOException {
    if (finished) {
      return;
    }
    if (s instanceof Step.Finish) {
      finish(((Step.Finish) s).result());
    } else if (s instanceof Step.Send) {
      ByteBuffer bytes = ((Step.Send) s).bytes().duplicate();
      if (tls != null) {
        tls.wrap(bytes);
      } else {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining() + (pendingOut == null ? 0 : pendingOut.remaining()));
        if (pendingOut != null) {
          copy.put(pendingOut);
        }
        copy.put(bytes).flip();
        pendingOut = copy;
      }
      interest(flushOut() ? SelectionKey.OP_READ : SelectionKey.OP_WRITE | SelectionKey.OP_READ);
    } else {
      interest(SelectionKey.OP_READ);
    }
  }

  /** Writes what is pending; true when nothing is left. */
  private boolean flushOut() throws IOException {
    if (tls != null) {
      return tls.flush((SocketChannel) channel);
    }
    if (pendingOut == null || !pendingOut.hasRemaining()) {
      return true;
    }
    if (channel instanceof DatagramChannel) {
      int n = ((DatagramChannel) channel).write(pendingOut);
      if (n > 0) {
        pendingOut = null;
        return true;
      }
      return false;
    }
    ((SocketChannel) channel).write(pendingOut);
    return !pendingOut.hasRemaining();
  }

  /** Sets the ops to wait for, registering with the loop on first need. */
  private void interest(int ops) throws IOException {
    if (key == null) {
      if (ops != 0 && !finished) {
        key = loop.register(channel, ops, this);
      }
    } else if (key.isValid()) {
      key.interestOps(ops);
    }
  }

  private void onDeadline() {
    if (finished) {
      return;
    }
    String within = " within " + Durations.format(timeout);
    String detail;
    if (phase == Phase.CONNECTING) {
      detail = "no answer to the connection attempt (SYN)" + within;
    } else if (phase == Phase.HANDSHAKING) {
      detail = "TLS handshake not finished" + within;
    } else if (check.transport() == Transport.UDP) {
      detail = "no reply" + within;
    } else {
      detail = "no complete answer" + within + " (" + bytesRead + " bytes read)";
    }
    CheckResult.Down timedOut = new CheckResult.Down(DownReason.TIMEOUT, detail);
    CheckResult r = timedOut;
    if (phase == Phase.TALKING) {
      try {
        r = conversation.onDeadline(timedOut);
      } catch (RuntimeException e) {
        log.warn("conversation of {} threw at its deadline", check.describe(), e);
        r = new CheckResult.Down(DownReason.CHECK_ERROR, e.toString());
      }
    }
    finish(r != null ? r : timedOut);
  }

  @Override
  public void abort(String why) {
    finish(new CheckResult.Down(DownReason.IO_ERROR, why));
  }

  private void finish(CheckResult result) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadline != null) {
      deadline.cancel();
    }
    pendingOut = null;
    tls = null;
    if (key != null) {
      key.cancel();
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing the socket of {} failed; the result stands", check.describe(), e);
      }
    }
    Prober.deliver(check, result, done, log);
  }

  @Override
  public String toString() {
    return "probe " + check.describe();
  }
}
