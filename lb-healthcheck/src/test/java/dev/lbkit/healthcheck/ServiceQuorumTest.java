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

  private ServiceQuorum.Builder builder(long q, long h) {
    return ServiceQuorum.builder().destination(A, 2).destination(B, 2).destination(C, 2).quorum(q).hysteresis(h)
        .listener(sorry::add).quorumListener((held, w, r) -> quorum.add(held + " " + w));
  }

  private ServiceQuorum build(long q, long h) {
    return builder(q, h).sorryServer(SORRY).build();
  }

  private static DestinationUp up(Endpoint e) {
    return new DestinationUp(T, Optional.empty(), e, "test");
  }

  private static DestinationDown down(Endpoint e) {
    return new DestinationDown(T, Optional.empty(), e, "test");
  }

  @Test
  void hysteresis_damps_andTheSorryServerFollowsTheQuorum() {
    ServiceQuorum q = build(4, 1); // lost below 3, regained at 5; starts with all three alive: 6 >= 5
    assertTrue(q.held());
    assertEquals(List.of("true 6"), quorum); // keepalived's quorum_up at start
    assertEquals(List.of(), sorry);
    q.onDestinationEvent(down(C)); // 4: still held
    assertTrue(q.held());
    q.onDestinationEvent(down(B)); // 2 < 3: lost
    assertFalse(q.held());
    assertEquals(List.of("true 6", "false 2"), quorum);
    assertEquals(SORRY, sorry.get(0).destination());
    assertTrue(sorry.get(0) instanceof DestinationUp);
    q.onDestinationEvent(up(B)); // 4 < 5: not yet
    assertFalse(q.held());
    q.onDestinationEvent(new WeightChanged(T, Optional.empty(), B, 2, 3, "agent")); // 5: regained
    assertTrue(q.held());
    assertEquals(List.of("true 6", "false 2", "true 5"), quorum);
    assertTrue(sorry.get(1) instanceof DestinationDown);
    assertEquals(2, sorry.size());
  }

  @Test
  void defaultQuorumOne_sorryServerWhenAllAreDown() {
    ServiceQuorum q = build(1, 0);
    assertEquals(List.of("true 6"), quorum);
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
  void start_betweenQuorumAndQuorumPlusHysteresis_isWithoutTheQuorum_andBringsTheSorryServerIn() {
    // live 6 reaches quorum 5 but not quorum 5 + hysteresis 2: keepalived starts such a virtual server without it
    ServiceQuorum q = build(5, 2);
    assertFalse(q.held());
    assertEquals(List.of("false 6"), quorum); // keepalived's quorum_down at start, as it has a sorry server
    assertEquals(1, sorry.size());
    assertTrue(sorry.get(0) instanceof DestinationUp && sorry.get(0).destination().equals(SORRY));
    q.onDestinationEvent(new WeightChanged(T, Optional.empty(), A, 2, 3, "agent")); // 7 >= 7: gained
    assertTrue(q.held());
    assertEquals(List.of("false 6", "true 7"), quorum);
    assertTrue(sorry.get(1) instanceof DestinationDown);
  }

  @Test
  void start_withoutTheQuorumAndWithoutASorryServer_announcesNothing_untilTheQuorumIsGained() {
    ServiceQuorum q = builder(5, 2).build();
    assertFalse(q.held());
    assertEquals(List.of(), quorum);
    q.onDestinationEvent(down(A)); // 4: nothing to lose
    assertEquals(List.of(), quorum);
    q.onDestinationEvent(up(A));
    q.onDestinationEvent(new WeightChanged(T, Optional.empty(), C, 2, 3, "agent"));
    assertTrue(q.held());
    assertEquals(List.of("true 7"), quorum);
    assertEquals(List.of(), sorry);
  }

  @Test
  void destinationsStartingDown_countOnlyOnceUp_asKeepalivedsAlpha() {
    ServiceQuorum q = ServiceQuorum.builder().destination(A, 2, true).destination(B, 2, true).destination(C, 2)
        .quorum(4).sorryServer(SORRY).listener(sorry::add).quorumListener((held, w, r) -> quorum.add(held + " " + w))
        .build();
    assertEquals(2, q.aliveWeight());
    assertFalse(q.held());
    assertEquals(List.of("false 2"), quorum);
    q.onDestinationEvent(up(A));
    assertTrue(q.held());
    assertEquals(List.of("false 2", "true 4"), quorum);
  }

  @Test
  void quorumAboveTheTotalWeight_isLoweredToIt_thenTheHysteresisBelowIt() {
    // total weight 6: quorum 10 could never be reached; keepalived lowers it to 6, then hysteresis 8 to 5
    ServiceQuorum q = build(10, 8);
    assertEquals(6, q.quorum());
    assertEquals(5, q.hysteresis());
    // and, as in keepalived, such a service starts without its quorum: 6 < 6 + 5
    assertFalse(q.held());
    assertEquals(List.of("false 6"), quorum);
  }

  @Test
  void hysteresisNotBelowTheQuorum_isLowered_notRefused() {
    ServiceQuorum q = ServiceQuorum.builder().quorum(2).hysteresis(2).build();
    assertEquals(2, q.quorum());
    assertEquals(1, q.hysteresis());
  }

  @Test
  void startHeld_keepsTheEarlierRule_heldWhateverTheWeight_andSilentAtStart() {
    ServiceQuorum q = builder(5, 2).sorryServer(SORRY).startHeld().build();
    assertTrue(q.held());
    assertEquals(List.of(), quorum);
    assertEquals(List.of(), sorry);
    q.onDestinationEvent(down(A)); // 4 >= 3: still held
    assertTrue(q.held());
    q.onDestinationEvent(down(B)); // 2 < 3: lost
    assertEquals(List.of("false 2"), quorum);
  }

  @Test
  void badValues_areRefusedWithTheirName() {
    assertEquals("quorum must be at least 1 but was 0",
        assertThrows(IllegalArgumentException.class, () -> ServiceQuorum.builder().quorum(0)).getMessage());
    assertEquals("hysteresis must not be negative but was -1",
        assertThrows(IllegalArgumentException.class, () -> ServiceQuorum.builder().hysteresis(-1)).getMessage());
  }
}
