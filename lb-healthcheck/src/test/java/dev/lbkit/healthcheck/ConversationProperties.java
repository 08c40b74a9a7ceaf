package dev.lbkit.healthcheck;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.agent.AgentCheck;
import dev.lbkit.healthcheck.dns.DnsCheck;
import dev.lbkit.healthcheck.http.BodyExpect;
import dev.lbkit.healthcheck.http.HttpCheck;
import dev.lbkit.healthcheck.smtp.SmtpCheck;
import dev.lbkit.healthcheck.udp.UdpCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Whatever a peer sends, in whatever pieces, a conversation answers with a step and never throws. */
final class ConversationProperties {
  private static final Endpoint T = Endpoint.parse("127.0.0.1:80");

  private static final List<NetworkCheck> CHECKS = List.of(
      HttpCheck.builder(T).build(),
      HttpCheck.builder(T).version("HTTP/1.1").digest("0123456789abcdef0123456789abcdef").build(),
      HttpCheck.builder(T).expect(BodyExpect.rstring("ok|ready")).statusPattern("^2").build(),
      AgentCheck.of(T), SmtpCheck.of(T), DnsCheck.of(T, "www.example.com", "A"),
      UdpCheck.of(T, new byte[] {1}).requiringReply(new byte[] {1, 2}));

  @Provide
  Arbitrary<byte[]> replies() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    Arbitrary<byte[]> httpish = Arbitraries.of(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nready\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.0 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.0 404 Not Found\r\n\r\n", "\r\n\r\n", "220-a\r\n220 b\r\n250 ok\r\n221 bye\r\n", "up 50%\n", "drain, 300%\n")
        .map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
    Arbitrary<byte[]> mutated = httpish.flatMap(b -> Arbitraries.integers().between(0, Math.max(0, b.length - 1))
        .map(i -> {
          byte[] c = b.clone();
          if (c.length > 0) {
            c[i] ^= (byte) 0x5a;
          }
          return c;
        }));
    return Arbitraries.oneOf(random, httpish, mutated);
  }

  @Property(tries = 500)
  void anyBytesInAnyPieces_giveAStep_neverAThrow(@ForAll("replies") byte[] reply,
      @ForAll @IntRange(min = 1, max = 64) int piece, @ForAll @IntRange(min = 0, max = 6) int which) {
    Conversation c = CHECKS.get(which).newConversation();
    Step s = c.onConnected();
    for (int off = 0; off < reply.length && !(s instanceof Step.Finish); off += piece) {
      s = c.onReceive(ByteBuffer.wrap(reply, off, Math.min(piece, reply.length - off)), false);
      if (s == null) {
        throw new AssertionError("null step");
      }
    }
    if (!(s instanceof Step.Finish)) {
      s = c.onReceive(ByteBuffer.allocate(0), true);
      if (s == null) {
        throw new AssertionError("null step at end of stream");
      }
    }
  }
}
