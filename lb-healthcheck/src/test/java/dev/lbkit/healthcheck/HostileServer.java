package dev.lbkit.healthcheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLServerSocket;

/**
 * Badly behaved servers on 127.0.0.1, run in a child JVM so that their sockets and threads do not count against
 * the checker's in the leak assertions. Prints {@code <name> <port>} per server, then {@code ready}; exits when
 * stdin closes.
 */
public final class HostileServer {
  /** Bytes the flood servers offer: 100 MB. */
  public static final long FLOOD_BYTES = 100L * 1000 * 1000;

  private interface Behaviour {
    void serve(Socket s) throws IOException, InterruptedException;
  }

  private HostileServer() {}

  public static void main(String[] args) throws Exception {
    Map<String, Behaviour> behaviours = new LinkedHashMap<>();
    behaviours.put("silent", s -> {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // accept, read, never answer
      }
    });
    behaviours.put("slow", s -> {
      OutputStream out = s.getOutputStream();
      byte[] response = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
      for (byte b : response) {
        out.write(b);
        out.flush();
        Thread.sleep(1000); // one byte a second
      }
    });
    behaviours.put("flood", s -> {
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.0 200 OK\r\nContent-Length: " + FLOOD_BYTES + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      flood(out);
    });
    behaviours.put("rawflood", s -> flood(s.getOutputStream()));
    behaviours.put("endless-headers", s -> {
      OutputStream out = s.getOutputStream();
      out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] header = "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.US_ASCII);
      for (long sent = 0; sent < FLOOD_BYTES; sent += header.length) {
        out.write(header);
      }
    });
    behaviours.put("close-mid-body", s -> {
      s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    });
    behaviours.put("close-mid-head", s -> {
      s.getOutputStream().write("HTTP/1.0 200 O".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    });
    behaviours.put("reset", s -> {
      s.setSoLinger(true, 0); // close sends RST
    });
    behaviours.put("garbage-instead-of-tls", s -> {
      OutputStream out = s.getOutputStream();
      out.write("220 this is not TLS at all\r\n".repeat(50).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // keep the connection open
      }
    });
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    for (Map.Entry<String, Behaviour> b : behaviours.entrySet()) {
      start(b.getKey(), new ServerSocket(0, 200, lo), b.getValue());
    }
    SSLServerSocket expired = (SSLServerSocket) TestTls.serverContext("expired", null).getServerSocketFactory()
        .createServerSocket(0, 200, lo);
    start("expired-tls", expired, s -> {
      InputStream in = s.getInputStream(); // the handshake happens here
      while (in.read() >= 0) {
        // hold
      }
    });
    // a bad certificate: self-signed, by no CA the checker trusts
    SSLServerSocket untrusted = (SSLServerSocket) TestTls.serverContext("client", null).getServerSocketFactory()
        .createServerSocket(0, 200, lo);
    start("untrusted-tls", untrusted, s -> {
      InputStream in = s.getInputStream(); // the handshake happens here
      while (in.read() >= 0) {
        // hold
      }
    });
    SSLServerSocket stallTls = (SSLServerSocket) TestTls.serverContext("server", null).getServerSocketFactory()
        .createServerSocket(0, 200, lo);
    start("tls-then-silent", stallTls, s -> {
      InputStream in = s.getInputStream(); // handshake, then read the request and never answer
      while (in.read() >= 0) {
        // hold
      }
    });
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() >= 0) {
      // run until the parent closes our stdin
    }
    System.exit(0);
  }

  private static void flood(OutputStream out) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    for (long sent = 0; sent < FLOOD_BYTES; sent += chunk.length) {
      out.write(chunk);
    }
  }

  private static void start(String name, ServerSocket server, Behaviour behaviour) {
    System.out.println(name + " " + server.getLocalPort());
    Thread acceptor = new Thread(() -> {
      while (true) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> {
            try (s) {
              behaviour.serve(s);
            } catch (IOException | InterruptedException e) {
              // the checker hung up on us: that is what it should do
            }
          }, name + "-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }, name);
    acceptor.setDaemon(true);
    acceptor.start();
  }
}
