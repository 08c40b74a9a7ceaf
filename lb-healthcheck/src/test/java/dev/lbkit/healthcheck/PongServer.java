package dev.lbkit.healthcheck;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** A UDP server on loopback for tests: silent, or answering every datagram with "PONG " + the datagram. */
public final class PongServer {
  private PongServer() {}

  /** Starts one on an ephemeral loopback port; closing the socket stops it. */
  public static DatagramSocket start(boolean answer) throws IOException {
    DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      byte[] buf = new byte[2048];
      while (!s.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          s.receive(p);
          if (answer) {
            byte[] reply = ("PONG " + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
          }
        } catch (IOException e) {
          return;
        }
      }
    }, "pong-server");
    t.setDaemon(true);
    t.start();
    return s;
  }
}
