package dev.lbkit.healthcheck.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lbkit.api.Endpoint;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.Conversation;
import dev.lbkit.healthcheck.DownReason;
import dev.lbkit.healthcheck.Step;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The HTTP conversation fed bytes directly, without a server: hostile response heads. */
final class HttpConversationTest {
  private static final Endpoint T = Endpoint.parse("127.0.0.1:80");

  private static CheckResult.Down downAfter(String reply) {
    Conversation c = HttpCheck.builder(T).build().newConversation();
    c.onConnected();
    Step s = c.onReceive(ByteBuffer.wrap(reply.getBytes(StandardCharsets.ISO_8859_1)), false);
    return assertInstanceOf(CheckResult.Down.class, assertInstanceOf(Step.Finish.class, s).result());
  }

  @Test
  void headOfEmptyLinesOnly_isAProtocolError_notAnException() {
    // an empty line at once ends the head with no status line at all; splitting it into lines gave an empty array
    // and an ArrayIndexOutOfBoundsException
    for (String reply : new String[] {"\r\n\r\n", "\n\n", "\r\n\n"}) {
      CheckResult.Down d = downAfter(reply);
      assertEquals(DownReason.PROTOCOL_ERROR, d.reason(), reply);
      assertEquals("not an HTTP status line: ''", d.detail());
    }
  }
}
