package dev.lbkit.healthcheck;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener whose accept queue is full and not drained: Linux drops further SYNs (tcp_conn_request: the
 * accept queue is full), so a connect to it gets no SYN-ACK, like a blackholed address, on loopback. After
 * {@link #drain()} the queue has room again and the client's next SYN retransmission (about a second after its
 * first SYN) is answered: a peer that answers late.
 */
public final class FullListener implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  public FullListener() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 4; i++) {
      Socket s = new Socket();
      fillers.add(s);
      try {
        s.connect(server.getLocalSocketAddress(), 200);
      } catch (IOException e) {
        break; // the queue is full: SYNs are now dropped
      }
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Accepts (and closes) the queued connections, so that the listener answers SYNs again. */
  public void drain() throws IOException {
    server.setSoTimeout(200);
    for (int i = 0; i < fillers.size(); i++) {
      try {
        server.accept().close(); // only to empty the queue
      } catch (SocketTimeoutException e) {
        return; // nothing more queued
      }
    }
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    server.close();
  }
}
