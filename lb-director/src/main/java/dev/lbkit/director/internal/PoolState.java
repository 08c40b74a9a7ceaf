package dev.lbkit.director.internal;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.internal.quorum.QuorumRule;
import dev.lbkit.api.internal.quorum.QuorumTable;
import dev.lbkit.director.PoolMember;
import dev.lbkit.director.ServicePool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live state of one pool: which members are alive at which weight, and whether the quorum is held; and the
 * table entry that follows from it. The rules are keepalived's (keepalived/check/ipwrapper.c, read in our own
 * words): the live weight is the sum of the weights of live members; the quorum follows {@link QuorumRule}, which
 * lb-healthcheck's {@code ServiceQuorum} runs too; the table follows {@link QuorumTable}, as lb-config's table at
 * start does: without quorum a sorry server replaces the pool, members with {@code inhibit_on_failure} stay at weight
 * 0 instead of leaving.
 * Not thread-safe: the director confines it.
 */
public final class PoolState {
  private ServicePool pool;
  private final Map<Endpoint, Boolean> alive = new HashMap<>();
  private final Map<Endpoint, Integer> weight = new HashMap<>();
  private boolean quorumHeld;

  /** A fresh pool: members alive unless they start down, the quorum held as {@link QuorumRule#heldAtStart} says. */
  public PoolState(ServicePool pool) {
    this.pool = pool;
    for (PoolMember m : pool.members()) {
      alive.put(m.server().endpoint(), !m.startsDown());
    }
    quorumHeld = rule().heldAtStart(liveWeight());
  }

  /** The pool's quorum rule (its quorum and hysteresis are already lowered as keepalived lowers them). */
  private QuorumRule rule() {
    return new QuorumRule(pool.quorum(), pool.hysteresis());
  }

  public ServicePool pool() {
    return pool;
  }

  public boolean quorumHeld() {
    return quorumHeld;
  }

  /** Whether a member counts as alive. */
  public boolean alive(Endpoint member) {
    return alive.getOrDefault(member, false);
  }

  /** The weight a member has while alive: its last reported weight, or its configured one. */
  public int effectiveWeight(PoolMember m) {
    return weight.getOrDefault(m.server().endpoint(), m.server().weight());
  }

  public long liveWeight() {
    long sum = 0;
    for (PoolMember m : pool.members()) {
      if (alive(m.server().endpoint())) {
        sum += effectiveWeight(m);
      }
    }
    return sum;
  }

  /** Records a member's health; false if it is not a member or nothing changed. */
  public boolean setAlive(Endpoint member, boolean up) {
    if (pool.member(member).isEmpty()) {
      return false;
    }
    Boolean before = alive.put(member, up);
    return before == null || before != up;
  }

  /** Records a member's reported weight; false if it is not a member or nothing changed. */
  public boolean setWeight(Endpoint member, int newWeight) {
    if (pool.member(member).isEmpty()) {
      return false;
    }
    Integer before = weight.put(member, newWeight);
    return before == null || before != newWeight;
  }

  /**
   * Re-evaluates the quorum with hysteresis.
   *
   * @return whether the quorum state changed
   */
  public boolean updateQuorum() {
    boolean before = quorumHeld;
    quorumHeld = rule().next(quorumHeld, liveWeight());
    return quorumHeld != before;
  }

  /**
   * Takes a new definition of the same service: members kept keep their health and reported weight, new ones
   * start as their definition says, removed ones are forgotten.
   */
  public void redefine(ServicePool newPool) {
    Map<Endpoint, Boolean> oldAlive = new HashMap<>(alive);
    alive.clear();
    for (PoolMember m : newPool.members()) {
      Endpoint e = m.server().endpoint();
      alive.put(e, oldAlive.getOrDefault(e, !m.startsDown()));
      PoolMember old = pool.member(e).orElse(null);
      if (old == null || old.server().weight() != m.server().weight()) {
        weight.remove(e); // a new configured weight replaces what a check reported
      }
    }
    weight.keySet().retainAll(alive.keySet());
    pool = newPool;
    updateQuorum();
  }

  /** The table entry this state calls for ({@link QuorumTable}). */
  public LoadBalancedService desired() {
    List<QuorumTable.Member> members = new ArrayList<>();
    for (PoolMember m : pool.members()) {
      members.add(new QuorumTable.Member(m.server().withWeight(effectiveWeight(m)), alive(m.server().endpoint()),
          m.inhibitOnFailure()));
    }
    return new LoadBalancedService(pool.service(),
        QuorumTable.servers(members, quorumHeld, pool.sorryServer(), pool.sorryServerInhibit()));
  }
}
