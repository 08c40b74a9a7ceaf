package dev.lbkit.healthcheck.internal;

import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.DownReason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Maps I/O exceptions to typed {@link CheckResult.Down} results. */
final class Failures {
  private Failures() {}

  static CheckResult.Down classify(IOException e) {
    String msg = String.valueOf(e.getMessage());
    String lower = msg.toLowerCase(Locale.ROOT);
    if (e instanceof PortUnreachableException) {
      return new CheckResult.Down(DownReason.REFUSED, "ICMP port unreachable");
    }
    if (e instanceof NoRouteToHostException || lower.contains("unreachable")) {
      return new CheckResult.Down(DownReason.UNREACHABLE, msg);
    }
    if (e instanceof ConnectException) {
      return new CheckResult.Down(lower.contains("refused") ? DownReason.REFUSED : DownReason.IO_ERROR, msg);
    }
    if (e instanceof SSLException) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof CertificateException || t instanceof CertPathValidatorException) {
          return new CheckResult.Down(DownReason.CERTIFICATE, deepestMessage(e));
        }
      }
      return new CheckResult.Down(DownReason.TLS_HANDSHAKE, msg);
    }
    if (lower.contains("reset")) {
      return new CheckResult.Down(DownReason.RESET, msg);
    }
    if (lower.contains("broken pipe")) {
      return new CheckResult.Down(DownReason.CLOSED, "the peer closed the connection while we were writing");
    }
    return new CheckResult.Down(DownReason.IO_ERROR, e.getClass().getSimpleName() + ": " + msg);
  }

  private static String deepestMessage(Throwable e) {
    String best = e.getMessage();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        best = t.getMessage();
      }
    }
    return String.valueOf(best);
  }
}
