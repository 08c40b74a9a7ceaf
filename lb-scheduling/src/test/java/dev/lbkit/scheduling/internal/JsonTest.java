package dev.lbkit.scheduling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class JsonTest {

  @Test
  void parse_readsNestedValuesInOrder() {
    Map<String, Object> m = Json.parseObject(
        "{\"name\":\"basic3\",\"n\":-12,\"x\":1.5e2,\"ok\":true,\"none\":null,\"list\":[1,\"a\\u00e9\\n\",[]]}");
    assertEquals(List.of("name", "n", "x", "ok", "none", "list"), List.copyOf(m.keySet()));
    assertEquals("basic3", m.get("name"));
    assertEquals(-12L, m.get("n"));
    assertEquals(150.0, m.get("x"));
    assertEquals(Boolean.TRUE, m.get("ok"));
    assertNull(m.get("none"));
    assertEquals(Arrays.asList(1L, "a\u00e9\n", List.of()), m.get("list"));
  }

  @Test
  void parse_rejectsMalformedInputWithOffset() {
    Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse("{\"a\":1,}"));
    assertEquals(7, e.offset());
    assertThrows(Json.JsonException.class, () -> Json.parse("[1 2]"));
    assertThrows(Json.JsonException.class, () -> Json.parse("{\"a\":1}{"));
    assertThrows(Json.JsonException.class, () -> Json.parse("\"open"));
    assertThrows(Json.JsonException.class, () -> Json.parse("01"));
    assertThrows(Json.JsonException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
    assertThrows(Json.JsonException.class, () -> Json.parseObject("[]"));
  }

  @Test
  void parse_readsEveryRealTraceLine() {
    // a record shaped like ../shared/scheduler-traces/ipvs lines
    Map<String, Object> m = Json.parseObject("{\"format_version\":1,\"scheduler\":\"rr\",\"dests\":"
        + "[{\"addr\":\"10.0.0.1\",\"port\":80,\"weight\":1}],\"picks\":[\"10.0.0.1:80\",null]}");
    assertEquals(Arrays.asList("10.0.0.1:80", null), m.get("picks"));
  }

  @Test
  void parse_refusesNestingDeeperThanTheLimitWithATypedError() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(deep));
    assertEquals(Json.MAX_DEPTH, e.offset());
    assertTrue(e.getMessage().contains("nested deeper than " + Json.MAX_DEPTH), e.getMessage());
    String objects = "{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1);
    assertThrows(Json.JsonException.class, () -> Json.parse(objects));
  }

  @Test
  void parse_acceptsNestingUpToTheLimit() {
    Object v = Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH));
    for (int i = 1; i < Json.MAX_DEPTH; i++) {
      v = ((List<?>) v).get(0);
    }
    assertEquals(List.of(), v);
  }

  @Test
  void parse_refusesUnicodeEscapesThatAreNotFourHexDigits() {
    // Integer.parseInt(.., 16) alone takes a sign, but an escape with a sign in its four characters is not JSON
    assertThrows(Json.JsonException.class, () -> Json.parse("\"\\u+041\""));
    assertThrows(Json.JsonException.class, () -> Json.parse("\"\\u-001\""));
    assertThrows(Json.JsonException.class, () -> Json.parse("\"\\u\u0661\u0662\u0663\u0664\""));
    assertEquals("A\u00ff", Json.parse("\"\\u0041\\u00fF\""));
  }
}
