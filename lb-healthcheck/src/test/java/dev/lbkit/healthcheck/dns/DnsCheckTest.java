package dev.lbkit.healthcheck.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.Step;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The DNS codec: golden query bytes and hostile responses, without sockets. */
final class DnsCheckTest {
  private static final Endpoint SERVER = Endpoint.parse("127.0.0.1:53");

  @Test
  void query_isRfc1035() {
    byte[] q = DnsCheck.of(SERVER, "www.example.com", "A").query(0x1234);
    assertEquals("123401000001000000000000" + "03777777076578616d706c6503636f6d00" + "00010001",
        HexFormat.of().formatHex(q));
    assertArrayEquals(new byte[] {0}, DnsCheck.encodeName("."));
  }

  @Test
  void badNames_andTypes_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> DnsCheck.of(SERVER, "a..b", "A"));
    assertThrows(IllegalArgumentException.class, () -> DnsCheck.of(SERVER, "x".repeat(64) + ".com", "A"));
    assertThrows(IllegalArgumentException.class, () -> DnsCheck.of(SERVER, "example.com", "BOGUS"));
  }

  /** Feeds the response to a conversation whose query id we read back from the query it sends. */
  private static Step answer(DnsCheck check, java.util.function.IntFunction<byte[]> responseForId) {
    Conversation c = check.newConversation();
    ByteBuffer query = ((Step.Send) c.onConnected()).bytes();
    int id = query.getShort(0) & 0xffff;
    return c.onReceive(ByteBuffer.wrap(responseForId.apply(id)), false);
  }

  private static CheckResult finished(Step s) {
    return ((Step.Finish) s).result();
  }

  @Test
  void garbageAndTruncatedResponses_areProtocolErrors_neverThrows() {
    DnsCheck check = DnsCheck.of(SERVER, "www.example.com", "A");
    // a response header claiming one answer that is not there
    CheckResult r = finished(answer(check, id -> ByteBuffer.allocate(12).putShort((short) id)
        .putShort((short) 0x8180).putShort((short) 0).putShort((short) 1).putShort((short) 0).putShort((short) 0)
        .array()));
    assertEquals(DownReason.PROTOCOL_ERROR, ((CheckResult.Down) r).reason());
    // someone else's id is ignored
    assertTrue(answer(check, id -> ByteBuffer.allocate(12).putShort((short) (id + 1)).array()) instanceof Step.Await);
    // a query echoed back is not a response
    assertEquals(DownReason.PROTOCOL_ERROR, ((CheckResult.Down) finished(answer(check, id ->
        check.query(id)))).reason());
  }

  @Test
  void answer_withCompressedName_isParsed() {
    DnsCheck check = DnsCheck.of(SERVER, "www.example.com", "A");
    CheckResult r = finished(answer(check, id -> {
      byte[] q = check.query(id);
      ByteBuffer b = ByteBuffer.allocate(q.length + 16);
      b.put(q);
      b.putShort(2, (short) 0x8180).putShort(6, (short) 1); // response, one answer
      b.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
          .put(new byte[] {(byte) 192, 0, 2, 7});
      return b.array();
    }));
    assertTrue(r.isUp(), r.toString());
  }
}
