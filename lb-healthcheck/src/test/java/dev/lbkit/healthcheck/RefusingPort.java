package dev.lbkit.healthcheck;

import dev.lbkit.api.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback TCP port where nothing listens, for a test's "closed port" case: bound here but never listening, so a
 * SYN to it is answered with a reset (connection refused), and held until {@link #close}, so that no other socket of
 * this or another process can be given the port meanwhile. A port found by opening and closing a socket is free only
 * for a moment: another test's listener or connection can take it before the checkers try it.
 */
public final class RefusingPort implements AutoCloseable {
  private final Socket socket = new Socket();

  public RefusingPort() throws IOException {
    try {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  public Endpoint endpoint() {
    return new Endpoint(InetAddress.getLoopbackAddress(), port());
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
