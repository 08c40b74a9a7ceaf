package dev.lbkit.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class ServiceQuorumTest {
  private static final Endpoint A = Endpoint.parse("10.0.0.1:80");
  private static final Endpoint B = Endpoint.parse("10.0.0.2:80");
  private static final Endpoint C = Endpoint.parse("10.0.0.3:80");
  private static final Endpoint SORRY = Endpoint.parse("10.0.0.99:80");
  private static final Instant T = Instant.EPOCH;

  private final List<DestinationEvent> sorry = new ArrayList<>();
  private final List<String> quorum = new ArrayList<>();

  private ServiceQuorum build(long q, long h) {
    return ServiceQuorum.builder().destination(A, 2).destination(B, 2).destination(C, 2).quorum(q).hysteresis(h)
        .sorryServer(SORRY).listener(sorry::add).quorumListener((held, w, r) -> quorum.add(held + " " + w)).build();
  }

  private static DestinationUp up(Endpoint e) {
    return new DestinationUp(T, Optional.empty(), e, "test");
  }

  private static DestinationDown down(Endpoint e) {
    return new DestinationDown(T, Optional.empty(), e, "test");
  }

  @Test
  void hysteresis_damps_andTheSorryServerFollowsTheQuorum() {
    ServiceQuorum q = build(4, 1); // lost below 3, regained at 5
    q.onDestinationEvent(up(A));
    q.onDestinationEvent(up(B));
    q.onDestinationEvent(up(C));
    assertTrue(q.held());
    q.onDestinationEvent(down(C)); // 4: still held
    assertTrue(q.held());
    q.onDestinationEvent(down(B)); // 2 < 3: lost
    assertFalse(q.held());
    assertEquals(List.of("false 2"), quorum);
    assertEquals(SORRY, sorry.get(0).destination());
    assertTrue(sorry.get(0) instanceof DestinationUp);
    q.onDestinationEvent(up(B)); // 4 < 5: not yet
    assertFalse(q.held());
    q.onDestinationEvent(new WeightChanged(T, Optional.empty(), B, 2, 3, "agent")); // 5: regained
    assertTrue(q.held());
    assertEquals(List.of("false 2", "true 5"), quorum);
    assertTrue(sorry.get(1) instanceof DestinationDown);
    assertEquals(2, sorry.size());
  }

  @Test
  void defaultQuorumOne_sorryServerWhenAllAreDown() {
    ServiceQuorum q = build(1, 0);
    q.onDestinationEvent(down(A));
    q.onDestinationEvent(down(B));
    assertTrue(q.held());
    assertEquals(0, sorry.size());
    q.onDestinationEvent(down(C));
    assertFalse(q.held());
    q.onDestinationEvent(up(A));
    assertTrue(q.held());
    assertEquals(2, sorry.size());
  }

  @Test
  void hysteresisMustBeBelowQuorum() {
    assertThrows(IllegalArgumentException.class, () -> ServiceQuorum.builder().quorum(2).hysteresis(2).build());
  }
}
