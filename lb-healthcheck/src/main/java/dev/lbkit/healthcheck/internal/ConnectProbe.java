package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.Step;
import dev.lbkit.healthcheck.internal.linux.EpollConnector;
import dev.lbkit.healthcheck.tcp.TcpCheck;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a plain {@link TcpCheck} (no TLS, no {@code bindto}) on the loop's {@link EpollConnector}: the
 * native twin of a {@link NetProbe} in its CONNECTING phase, with the same deadline, reasons and wording. Errors
 * are turned into the exceptions the JDK throws for the same errno, so {@link Failures} classifies both paths
 * alike.
 */
final class ConnectProbe implements EpollConnector.Outcome {
  private static final Logger log = LoggerFactory.getLogger(ConnectProbe.class);
  private static final int EACCES = 13; // EACCES
  private static final int EADDRINUSE = 98; // EADDRINUSE
  private static final int EADDRNOTAVAIL = 99; // EADDRNOTAVAIL
  private static final int ENOTCONN = 107; // ENOTCONN
  private static final int ETIMEDOUT = 110; // ETIMEDOUT
  private static final int ECONNREFUSED = 111; // ECONNREFUSED
  private static final int EHOSTUNREACH = 113; // EHOSTUNREACH

  private final EpollConnector connector;
  private final TcpCheck check;
  private final Duration timeout;
  private final Consumer<CheckResult> done;
  private CheckScheduler.Timer deadline;
  private int handle = -1;
  private boolean finished;

  private ConnectProbe(EpollConnector connector, TcpCheck check, Duration timeout, Consumer<CheckResult> done) {
    this.connector = connector;
    this.check = check;
    this.timeout = timeout;
    this.done = done;
  }

  /** Whether a check can take this path: plain TCP connect, nothing to bind or encrypt. */
  static boolean fits(Object check) {
    return check instanceof TcpCheck && ((TcpCheck) check).tls().isEmpty() && ((TcpCheck) check).bindTo().isEmpty();
  }

  /**
   * Runs one attempt. When the handshake completes (or fails) within {@code connect} itself, as it does against
   * this host's own addresses, the result is delivered at once and nothing is allocated for waiting; otherwise a
   * probe waits on the connector with a deadline counted from before the first {@code connect}.
   */
  static void start(EventLoop loop, EpollConnector connector, TcpCheck check, Duration timeout,
      Consumer<CheckResult> done) {
    long startNanos = loop.nanoTime();
    int h = connector.connect(check.target().address(), check.target().port());
    if (h == EpollConnector.CONNECTED) {
      Prober.deliver(check, connectedResult(check), done, log);
      return;
    }
    if (h < 0) {
      Prober.deliver(check, failedResult(-h, EpollConnector.describe(-h)), done, log);
      return;
    }
    ConnectProbe probe = new ConnectProbe(connector, check, timeout, done);
    int armed = connector.watch(h, probe);
    if (armed < 0) {
      probe.onFailed(-armed, EpollConnector.describe(-armed));
      return;
    }
    probe.handle = h;
    probe.deadline = loop.scheduleFrom(startNanos, EventLoop.saturatedNanos(timeout), probe::onDeadline);
  }

  private static CheckResult connectedResult(TcpCheck check) {
    try {
      Step step = check.newConversation().onConnected();
      return step instanceof Step.Finish
          ? ((Step.Finish) step).result()
          : new CheckResult.Down(DownReason.CHECK_ERROR, "a TCP connect check must finish on connect");
    } catch (RuntimeException e) {
      log.warn("conversation of {} threw on connect", check.describe(), e);
      return new CheckResult.Down(DownReason.CHECK_ERROR, e.toString());
    }
  }

  private static CheckResult failedResult(int errno, String message) {
    return Failures.classify(exceptionFor(errno, message));
  }

  @Override
  public void onConnected() {
    handle = -1;
    finish(connectedResult(check));
  }

  @Override
  public void onFailed(int errno, String message) {
    handle = -1;
    finish(failedResult(errno, message));
  }

  private void onDeadline() {
    if (finished) {
      return;
    }
    connector.abandon(handle);
    handle = -1;
    finish(new CheckResult.Down(DownReason.TIMEOUT,
        "no answer to the connection attempt (SYN) within " + Durations.format(timeout)));
  }

  /** The loop is closing: the connector has already closed the socket. */
  void abort(String why) {
    handle = -1;
    finish(new CheckResult.Down(DownReason.IO_ERROR, why));
  }

  /** The exception the JDK's socket code throws for this errno (sun.nio.ch.Net's mapping). */
  static IOException exceptionFor(int errno, String message) {
    switch (errno) {
      case ECONNREFUSED:
      case ETIMEDOUT:
      case ENOTCONN:
        return new ConnectException(message);
      case EHOSTUNREACH:
        return new NoRouteToHostException(message);
      case EADDRINUSE:
      case EADDRNOTAVAIL:
      case EACCES:
        return new BindException(message);
      default:
        return new SocketException(message);
    }
  }

  private void finish(CheckResult result) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadline != null) {
      deadline.cancel();
    }
    Prober.deliver(check, result, done, log);
  }

  @Override
  public String toString() {
    return "native probe " + check.describe();
  }
}
