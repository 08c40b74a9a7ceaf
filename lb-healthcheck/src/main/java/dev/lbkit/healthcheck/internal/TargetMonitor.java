package dev.lbkit.healthcheck.internal;

import dev.lbkit.api.RealServer;
import dev.lbkit.api.event.DestinationDown;
import dev.lbkit.api.event.DestinationEvent;
import dev.lbkit.api.event.DestinationUp;
import dev.lbkit.api.event.WeightChanged;
import dev.lbkit.healthcheck.AdminState;
import dev.lbkit.healthcheck.AgentReply;
import dev.lbkit.healthcheck.CheckPolicy;
import dev.lbkit.healthcheck.CheckResult;
import dev.lbkit.healthcheck.IndependentChecks;
import dev.lbkit.healthcheck.RetryRule;
import dev.lbkit.healthcheck.Target;
import dev.lbkit.healthcheck.TargetStatus;
import dev.lbkit.healthcheck.agent.AgentCheck;
import dev.lbkit.healthcheck.http.UrlRound;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one target: schedules its checks, counts results into up and down, and publishes transitions and
 * effective weights. All methods run on the scheduler's thread; {@link #status()} may be read from any thread.
 *
 * <p>Semantics (see {@link CheckPolicy} for the rules in prose). Health is HAProxy's counter, 0 to
 * {@code rise + fall - 1} (HAProxy manual, {@code rise}/{@code fall}; check.c {@code set_server_check_status}): a
 * pass adds one and, if that reaches {@code rise}, fills the counter; a failure takes one away and, if that drops
 * below {@code rise}, empties it. Starting up puts it at
 * {@code rise}, so the first failure takes the target down, as HAProxy's default {@code init-state up} does;
 * starting down (keepalived {@code alpha}) puts it at {@code rise - 1}, so the first pass brings it up. keepalived
 * retries a failed attempt only while the target is up ({@code retry}, {@code delay_before_retry}); with
 * {@link RetryRule#KEEPALIVED} the first failure before any pass is final, as in keepalived 2.2.7; with
 * {@link RetryRule#KEEPALIVED_TCP}, as its TCP_CHECK does, also every later failure starts a cycle of retries, up or
 * down. Slow start
 * follows HAProxy 2.6 with a dynamic algorithm (roundrobin, leastconn): after a down-to-up transition (not at start)
 * the weight is {@code ceil(weight * (floor(16 * s / S) + 1) / 16)}, with {@code s} the whole seconds since the change
 * and {@code S} the slow start in whole seconds (rounded up), recomputed every second; so 7, 19, 38, 57, 69, 88 and
 * 100 for weight 100 and {@code slowstart 6s}, as HaproxyCheckTimingIT sees real HAProxy show them. With
 * {@link CheckPolicy#staticAlgorithm()} the weight does not ramp: HAProxy's static algorithms cannot change a weight,
 * so it keeps the full weight from the change on. {@link CheckPolicy#spreadChecks()} moves each interval after a
 * check (and an agent's) at random, as HAProxy's {@code spread-checks}.
 *
 * <p>Membership: without {@code inhibit_on_failure} a target is a member while up (DestinationUp / DestinationDown);
 * with it the target stays a member and its weight drops to 0 while down (WeightChanged only).
 *
 * <p>A target checked by an HAProxy agent alone follows HAProxy's agent model: each reply changes only what it
 * names. The administrative state is kept apart from the operational one: {@code maint} takes the target out
 * (DestinationDown) while its health stays as it is, {@code ready} or {@code drain} bring it back if it is up;
 * {@code drain} makes its effective weight 0 while it stays a member; {@code NN%} sets the weight to that share of
 * the configured one until the agent says otherwise; {@code up} and {@code down}/{@code stopped}/{@code fail} act at
 * once, without rise or fall. An attempt that brings no reply (agent unreachable, timeout, incomplete line)
 * changes nothing, as HAProxy treats agent failures. A target with an agent beside its check
 * ({@link Target#agent()}) reads the agent on its own schedule with the same rules, while the check's results
 * count toward rise and fall as usual: so an agent's {@code down} holds only until {@code rise} passing checks
 * bring the target back, as in HAProxy.
 *
 * <p>A target whose check is {@link IndependentChecks} runs one inner monitor per member, each on the member's own
 * policy (its interval, retries, warmup, start down), on the same scheduler; it never probes itself. It is up while
 * every member is up, as keepalived's real server is alive while none of its checkers has failed, and publishes by
 * its own policy ({@code inhibitOnFailure}, {@code downOnStop}); the weights its members set add up as keepalived
 * adds its checkers' weights ({@link #combinedMemberWeight()}).
 *
 * <p>A target whose check is a {@link UrlRound} fetches one url per attempt and reaches its verdicts by keepalived's
 * HTTP_GET rules ({@link UrlRoundState}) instead of the counting above.
 */
public final class TargetMonitor {
  private static final Logger log = LoggerFactory.getLogger(TargetMonitor.class);
  /** HAProxy's {@code BE_WEIGHT_SCALE}: dynamic algorithms keep weights in sixteenths. */
  private static final long WEIGHT_SCALE = 16;

  /** Replaced only by {@link #restartSchedule(Target)}, with the same key, policy and kind of check. */
  private volatile Target target;
  private final CheckPolicy policy;
  private final CheckScheduler scheduler;
  private final Prober prober;
  private final RandomGenerator random;
  private final Consumer<DestinationEvent> publisher;
  private final LatenessHistogram lateness;
  private final boolean agentTarget;
  private final Runnable checkTask = this::runCheck; // one instance for every check, not one per schedule
  private final Consumer<CheckResult> resultTask = this::onResult;
  private long nextCheckAt;
  private AdminState admin = AdminState.READY;
  /** The inner monitors of an {@link IndependentChecks} target, and whether each is up; null otherwise. */
  private final List<TargetMonitor> members;
  private final boolean[] memberUp;
  /** The round of a {@link UrlRound} target; null otherwise. */
  private final UrlRoundState urlRound;
  /** A member's monitor: its changes are the target's business, logged by the target (at DEBUG here). */
  private boolean inner;

  private boolean up;
  private int health;
  private int retriesLeft;
  private int baseWeight;
  private int publishedWeight;
  private boolean member;
  private boolean ramping;
  private long rampStartNanos;
  /** Whole seconds of slow start HAProxy's last ramp step counted. */
  private long rampSeconds;
  private CheckScheduler.Timer nextCheck;
  private CheckScheduler.Timer nextAgent;
  private CheckScheduler.Timer rampTick;
  /** When the agent's first read runs, if not with the first check. */
  private Duration agentStartDelay;
  /** An attempt is running; and whether its result is to be dropped (the schedule restarted meanwhile). */
  private boolean inFlight;
  private boolean discardInFlight;
  private boolean started;
  private boolean stopped;
  private long attempts;
  private Optional<CheckResult> lastResult = Optional.empty();
  private Instant lastChange;
  private volatile TargetStatus status;

  public TargetMonitor(Target target, CheckScheduler scheduler, Prober prober, RandomGenerator random,
      Consumer<DestinationEvent> publisher) {
    this(target, scheduler, prober, random, publisher, new LatenessHistogram());
  }

  /** As above, recording how late each check starts into {@code lateness}. */
  public TargetMonitor(Target target, CheckScheduler scheduler, Prober prober, RandomGenerator random,
      Consumer<DestinationEvent> publisher, LatenessHistogram lateness) {
    this.lateness = lateness;
    this.target = target;
    this.policy = target.policy();
    this.scheduler = scheduler;
    this.prober = prober;
    this.random = random;
    this.publisher = publisher;
    this.agentTarget = target.check() instanceof AgentCheck;
    this.baseWeight = target.weight();
    this.publishedWeight = target.weight();
    this.lastChange = scheduler.now();
    if (target.check() instanceof IndependentChecks ic) {
      this.members = new ArrayList<>();
      this.memberUp = new boolean[ic.members().size()];
      boolean anyStartsDown = false;
      for (int i = 0; i < memberUp.length; i++) {
        IndependentChecks.Member m = ic.members().get(i);
        int index = i;
        CheckPolicy p = m.policy();
        // plain up/down from each member: how the combined state is published is the target's policy
        CheckPolicy own = new CheckPolicy(p.interval(), p.fastInterval(), p.downInterval(), p.timeout(), p.rise(),
            p.fall(), p.retry(), p.delayBeforeRetry(), p.warmup(), p.startDown(), false, false, Duration.ZERO,
            p.startDelay(), p.retryRule(), false, p.spreadChecks());
        members.add(new TargetMonitor(new Target(target.service(), target.destination(), target.weight(), m.check(),
            own), scheduler, prober, random, e -> onMember(index, e), lateness));
        members.get(i).inner = true;
        memberUp[i] = !p.startDown();
        anyStartsDown |= p.startDown();
      }
      this.up = !anyStartsDown;
    } else {
      this.members = null;
      this.memberUp = null;
      this.up = !policy.startDown();
    }
    this.urlRound = target.check() instanceof UrlRound r ? new UrlRoundState(r, policy) : null;
    this.health = up ? policy.rise() : policy.rise() - 1;
    // keepalived starts every checker with its retries used up: one failure is enough at first
    this.retriesLeft = policy.retryRule().startsWithRetries() ? policy.retry() : 0;
    snapshot();
  }

  /**
   * A member of an {@link IndependentChecks} target changed: the target is up while all members are, and its weight
   * combines the weights its members set (see {@link #combinedMemberWeight()}). Members start after the target has
   * published its initial state, so their initial events only set their state.
   */
  private void onMember(int index, DestinationEvent e) {
    if (stopped) {
      return;
    }
    TargetMonitor m = members.get(index);
    String reason = m.target.check().describe() + ": " + e.reason();
    int combined = combinedMemberWeight();
    boolean weightChanged = combined != baseWeight;
    baseWeight = combined; // before a transition, so that coming up publishes the new weight at once
    if (!(e instanceof WeightChanged)) {
      memberUp[index] = e instanceof DestinationUp;
      boolean all = true;
      for (boolean u : memberUp) {
        all &= u;
      }
      if (started) {
        Optional<CheckResult> r = m.status().lastResult();
        if (r.isPresent()) {
          lastResult = r;
        }
        if (all && !up) {
          health = policy.maxHealth();
          goUp(reason);
          weightChanged = false;
        } else if (!all && up) {
          health = 0;
          goDown(reason);
        }
      }
    }
    if (weightChanged && started) {
      refreshWeight(reason);
    }
    snapshot();
  }

  /**
   * The weight of an {@link IndependentChecks} target from its members' weights, as keepalived 2.2.7 combines its
   * checkers' weights: each checker that set a weight ({@code misc_dynamic}: exit status minus 2) moves the real
   * server's weight by the difference between that weight and the configured one, and the differences add up,
   * with the sum kept in [0, {@link RealServer#MAX_WEIGHT}]. So one dynamic checker sets the weight it names;
   * with exits 12 and 7 on a server of weight 3, keepalived runs it at 3 + 7 + 2 = 12 (seen in the kernel lab,
   * KeepalivedCheckerTimingLabIT); an exit 0 puts a checker's own part back to nothing. A member keeps the weight it
   * set while it fails (keepalived re-applies the weight when its script passes again).
   */
  private int combinedMemberWeight() {
    long sum = target.weight();
    for (TargetMonitor m : members) {
      sum += (long) m.baseWeight - target.weight();
    }
    return (int) Math.max(0, Math.min(RealServer.MAX_WEIGHT, sum));
  }

  /** The latest snapshot; any thread. */
  public TargetStatus status() {
    return status;
  }

  /** Check attempts started so far (by all members of an {@link IndependentChecks} target). */
  public long attempts() {
    if (members != null) {
      long sum = 0;
      for (TargetMonitor m : members) {
        sum += m.attempts();
      }
      return sum;
    }
    return attempts;
  }

  /** Publishes the initial state and schedules the first check (after a random warmup, if any). */
  public void start() {
    if (started || stopped) {
      return;
    }
    started = true;
    if (policy.inhibitOnFailure()) {
      member = true;
      snapshot();
      publisher.accept(new DestinationUp(scheduler.now(), target.service(), target.destination(),
          "initial state (inhibit_on_failure: stays a member)"));
      if (!up) {
        setWeight(0, "initial state down (alpha): weight 0");
      }
    } else if (up) {
      member = true;
      snapshot();
      publisher.accept(new DestinationUp(scheduler.now(), target.service(), target.destination(), "initial state"));
    } else {
      publisher.accept(new DestinationDown(scheduler.now(), target.service(), target.destination(),
          "initial state down (alpha): waiting for the first passing check"));
    }
    if (members != null) {
      members.forEach(TargetMonitor::start); // each schedules its own first check (after its own warmup)
      return;
    }
    Duration first = firstDelay();
    schedule(first);
    if (target.agent().isPresent()) {
      nextAgent = scheduler.schedule(agentStartDelay == null ? first : agentStartDelay, this::runAgent);
    }
  }

  /**
   * Before {@link #start()}: the agent's first read runs after {@code delay} instead of with the first check (HAProxy
   * gives a server's agent its own place when it spreads the first checks; see {@code HealthChecker#addAllSpread}).
   */
  public void agentStartDelay(Duration delay) {
    this.agentStartDelay = delay;
  }

  /**
   * HAProxy's {@code spread-checks}: the interval moved by a random amount up to {@code spreadChecks} percent of it,
   * either way, in whole milliseconds as HAProxy 2.6 computes it (check.c, after each check: {@code rv = inter * pct
   * / 100; rv -= (int) (2 * rv * u)}, then {@code inter + rv}).
   */
  private Duration spread(Duration interval) {
    int pct = policy.spreadChecks();
    if (pct == 0) {
      return interval;
    }
    long rv = interval.toMillis() * pct / 100;
    rv -= (long) (2 * rv * random.nextDouble());
    return interval.plusMillis(rv);
  }

  /** When the first check runs: the fixed start delay plus a random part of the warmup. */
  private Duration firstDelay() {
    Duration first = policy.startDelay();
    if (!policy.warmup().isZero()) {
      first = first.plusNanos(random.nextLong(EventLoop.saturatedNanos(policy.warmup()) + 1));
    }
    return first;
  }

  /**
   * Starts the check schedule afresh, keeping the state: the pending check (or retry) is dropped, an attempt in
   * flight is abandoned (its result changes nothing), and the next check runs after the start delay and a random
   * warmup, as the first did. This is what a keepalived reload does to every checker it keeps: it cancels all
   * checker threads and registers each again with {@code BOOTSTRAP_DELAY} plus a random warmup, while the real
   * server keeps its state (check_daemon.c {@code reload_check_thread}, {@code start_check}).
   */
  public void restartSchedule() {
    restartSchedule(target);
  }

  /**
   * As {@link #restartSchedule()}, checking from now on with {@code next}'s check: a reload that keeps the checker
   * but builds it afresh (keepalived frees its checkers and SSL context on a reload and builds new ones from the file,
   * handing each kept checker its old state), so that new TLS settings, such as a client certificate read again, or
   * a url round's {@code fast_recovery}, apply at once. {@code next} must have this target's key, weight and policy
   * and the same kind of check (for {@link IndependentChecks} as many members, each of the same kind; for a
   * {@link UrlRound} as many urls).
   *
   * @throws IllegalArgumentException if {@code next} differs in more than its check's settings
   */
  public void restartSchedule(Target next) {
    checkReplacement(next);
    if (!started || stopped) {
      return;
    }
    target = next;
    if (members != null) {
      List<IndependentChecks.Member> nextMembers = ((IndependentChecks) next.check()).members();
      for (int i = 0; i < members.size(); i++) {
        TargetMonitor m = members.get(i);
        m.restartSchedule(new Target(m.target.service(), m.target.destination(), m.target.weight(),
            nextMembers.get(i).check(), m.policy));
      }
      return;
    }
    if (inFlight) {
      discardInFlight = true;
    }
    retriesLeft = policy.retry();
    if (urlRound != null) {
      urlRound.restart((UrlRound) next.check());
    }
    schedule(firstDelay());
    snapshot();
  }

  /**
   * Whether {@code next} may replace this target in {@link #restartSchedule(Target)}; any thread (reads only what
   * never changes: the key, weight, policy and the kind and shape of the check).
   *
   * @throws IllegalArgumentException if it may not, naming what differs
   */
  public void checkReplacement(Target next) {
    Target now = target;
    if (!next.key().equals(now.key()) || next.weight() != now.weight() || !next.policy().equals(policy)
        || next.check().getClass() != now.check().getClass() || next.agent().isPresent() != now.agent()
        .isPresent()) {
      throw new IllegalArgumentException("a restart takes the same target with new check settings, not " + next
          + " for " + now);
    }
    if (members != null) {
      List<IndependentChecks.Member> nextMembers = ((IndependentChecks) next.check()).members();
      if (nextMembers.size() != members.size()) {
        throw new IllegalArgumentException("a restart takes as many checkers (" + members.size() + ") but " + next
            + " has " + nextMembers.size());
      }
      for (int i = 0; i < members.size(); i++) {
        TargetMonitor m = members.get(i);
        m.checkReplacement(new Target(m.target.service(), m.target.destination(), m.target.weight(),
            nextMembers.get(i).check(), m.policy));
      }
    }
    if (urlRound != null && ((UrlRound) next.check()).urls().size() != ((UrlRound) now.check()).urls().size()) {
      throw new IllegalArgumentException("a restart takes as many urls (" + ((UrlRound) now.check()).urls().size()
          + ") but " + next + " has " + ((UrlRound) next.check()).urls().size());
    }
  }

  /** One reading of the agent beside the check; its words apply as they come, then the next is scheduled. */
  private void runAgent() {
    if (stopped) {
      return;
    }
    Target.Agent agent = target.agent().get();
    prober.probe(agent.check(), policy.timeout(), r -> {
      if (stopped) {
        return;
      }
      if (r.agent().isPresent()) {
        applyAgent(r.agent().get(), r.detail());
        snapshot();
      } else if (log.isDebugEnabled()) {
        log.debug("{}: agent not read ({}); nothing changes", target.key(), r);
      }
      nextAgent = scheduler.schedule(spread(agent.interval()), this::runAgent);
    });
  }

  /**
   * Stops checking. With {@code omega} and keepalived's {@code omega} set, an up target is reported down.
   *
   * @param shutdown true when the whole checker stops (omega applies), false when the target is removed
   */
  public void stop(boolean shutdown) {
    if (stopped) {
      return;
    }
    stopped = true;
    if (members != null) {
      members.forEach(m -> m.stop(false));
    }
    cancel(nextCheck);
    cancel(nextAgent);
    cancel(rampTick);
    if (shutdown && policy.downOnStop() && member && up) {
      member = false;
      publisher.accept(new DestinationDown(scheduler.now(), target.service(), target.destination(),
          "checker stopped (omega)"));
    }
    snapshot();
  }

  private void schedule(Duration delay) {
    nextCheckAt = scheduler.nanoTime() + EventLoop.saturatedNanos(delay);
    // the loop hands the timer that just ran back, queued again: no new timer, and no store into this (old) object
    CheckScheduler.Timer t = scheduler.reschedule(nextCheck, delay, checkTask);
    if (t != nextCheck) {
      nextCheck = t;
    }
  }

  private void runCheck() {
    if (stopped) {
      return;
    }
    attempts++;
    lateness.record(scheduler.nanoTime() - nextCheckAt);
    inFlight = true;
    prober.probe(urlRound != null ? urlRound.current() : target.check(), policy.timeout(), resultTask);
  }

  void onResult(CheckResult r) {
    inFlight = false;
    if (stopped) {
      return;
    }
    if (discardInFlight) { // an attempt of the schedule before restartSchedule(): the new schedule is running
      discardInFlight = false;
      return;
    }
    if (lastResult.isEmpty() || lastResult.get() != r) { // a check that passes alike may hand out one instance
      lastResult = Optional.of(r);
    }
    if (log.isDebugEnabled()) {
      log.debug("{}: {} -> {}", target.key(), target.check().describe(), r);
    }
    if (agentTarget) {
      if (r.agent().isPresent()) {
        applyAgent(r.agent().get(), r.detail());
      }
      snapshot();
      schedule(policy.interval());
      return;
    }
    if (urlRound != null) {
      onRoundResult(r);
      return;
    }
    if (!r.isUp()) {
      if ((up || policy.retryRule().retriesWhileDown()) && retriesLeft > 0) {
        retriesLeft--;
        snapshot();
        schedule(policy.delayBeforeRetry());
        return;
      }
      retriesLeft = policy.retry();
      // HAProxy 2.6 set_server_check_status: a failure that leaves the counter below rise empties it
      health = Math.max(0, health - 1);
      if (health < policy.rise()) {
        health = 0;
        if (up) {
          goDown(r);
        }
      }
    } else {
      retriesLeft = policy.retry();
      String hint = applyWeightHints(r);
      // ... and a pass that brings it to rise or above fills it, whether the target was up or down
      health = Math.min(policy.maxHealth(), health + 1);
      if (health >= policy.rise()) {
        health = policy.maxHealth();
        if (!up) {
          goUp(r);
        }
      }
      if (hint != null) {
        refreshWeight(hint);
      }
    }
    snapshot();
    schedule(spread(nextInterval()));
  }

  /** A {@link UrlRound}'s url answered: keepalived's HTTP_GET rules say the verdict and the next delay. */
  private void onRoundResult(CheckResult r) {
    UrlRoundState.Step step = r.isUp() ? urlRound.passed(up) : urlRound.failed(up);
    if (step.verdict() == UrlRoundState.Verdict.UP && !up) {
      health = policy.maxHealth();
      goUp("every url passed, the last: " + r.detail());
    } else if (step.verdict() == UrlRoundState.Verdict.DOWN && up) {
      health = 0;
      goDown(r.toString());
    }
    snapshot();
    schedule(step.delay());
  }

  /** HAProxy's order: the admin state first, then the weight, then the operational state. */
  private void applyAgent(AgentReply a, String said) {
    if (a.admin().isPresent() && a.admin().get() != admin) {
      setAdmin(a.admin().get(), said);
    }
    if (a.weightPercent().isPresent()) {
      baseWeight = AgentReply.weightOf(target.weight(), a.weightPercent().getAsInt());
    }
    refreshWeight(said); // once, for both: no intermediate weight between them
    if (a.health().isPresent()) {
      if (a.health().get() == AgentReply.Health.UP) {
        health = policy.maxHealth();
        if (!up) {
          goUp(said);
        }
      } else {
        health = 0;
        if (up) {
          goDown(said);
        }
      }
    }
  }

  private void setAdmin(AdminState next, String said) {
    AdminState old = admin;
    admin = next;
    log.info("{} admin state {} -> {}: {}", target.key(), old, next, said);
    if (next == AdminState.MAINT) {
      if (member) {
        member = false;
        snapshot();
        publisher.accept(new DestinationDown(scheduler.now(), target.service(), target.destination(),
            "maintenance (" + said + ")"));
      }
      return;
    }
    if (old == AdminState.MAINT && !member && (up || policy.inhibitOnFailure())) {
      member = true;
      snapshot();
      publisher.accept(new DestinationUp(scheduler.now(), target.service(), target.destination(),
          "out of maintenance (" + said + ")"));
      if (!up) {
        setWeight(0, "inhibit_on_failure: still down");
      }
    }
  }

  private Duration nextInterval() {
    if (up) {
      return health >= policy.maxHealth() ? policy.interval() : policy.fastInterval();
    }
    return health == 0 ? policy.downInterval() : policy.fastInterval();
  }

  /** Applies an absolute or percent weight from the result; returns a reason if the base weight changed. */
  private String applyWeightHints(CheckResult r) {
    CheckResult.Up u = (CheckResult.Up) r;
    int before = baseWeight;
    String why = null;
    if (u.weight().isPresent()) {
      baseWeight = u.weight().getAsInt();
      why = "check set weight " + baseWeight + " (" + u.detail() + ")";
    } else if (u.weightPercent().isPresent()) {
      baseWeight = AgentReply.weightOf(target.weight(), u.weightPercent().getAsInt());
      why = "weight " + u.weightPercent().getAsInt() + "% of " + target.weight() + " (" + u.detail() + ")";
    }
    return baseWeight != before ? why : null;
  }

  private void goUp(CheckResult r) {
    goUp((policy.rise() > 1 ? "passed " + policy.rise() + " checks: " : "passed: ") + r.detail());
  }

  private void goUp(String reason) {
    up = true;
    lastChange = scheduler.now();
    info("{} is up: {}", target.key(), reason);
    if (!policy.slowStart().isZero() && !policy.staticAlgorithm()) { // a static algorithm's weight cannot ramp
      ramping = true;
      rampStartNanos = scheduler.nanoTime();
      rampSeconds = 0;
      scheduleRampTick();
    }
    if (!member && admin != AdminState.MAINT) {
      member = true;
      snapshot();
      publisher.accept(new DestinationUp(scheduler.now(), target.service(), target.destination(), reason));
    }
    refreshWeight(ramping ? "slowstart begins: " + reason : reason);
  }

  private void goDown(CheckResult r) {
    goDown(r + (policy.fall() > 1 ? " (failed " + policy.fall() + " checks)" : ""));
  }

  private void goDown(String reason) {
    up = false;
    lastChange = scheduler.now();
    ramping = false;
    cancel(rampTick);
    info("{} is down: {}", target.key(), reason);
    if (policy.inhibitOnFailure()) {
      if (!member) {
        return; // in maintenance: no weight to change
      }
      setWeight(0, "inhibit_on_failure: " + reason);
    } else if (member) {
      member = false;
      snapshot();
      publisher.accept(new DestinationDown(scheduler.now(), target.service(), target.destination(), reason));
    }
  }

  private int effectiveWeight() {
    if (!up || admin == AdminState.DRAIN) {
      return 0;
    }
    if (!ramping || baseWeight == 0) {
      return baseWeight;
    }
    long total = slowStartSeconds();
    if (rampSeconds >= total) {
      ramping = false;
      return baseWeight;
    }
    // HAProxy 2.6 server_recalc_eweight for dynamic algorithms: the share of the weight in sixteenths
    // (BE_WEIGHT_SCALE), one sixteenth at the change, then 16 * seconds / slowstart more; shown rounded up
    long sixteenths = WEIGHT_SCALE * rampSeconds / total + 1;
    long ramped = ((long) baseWeight * sixteenths + WEIGHT_SCALE - 1) / WEIGHT_SCALE;
    return (int) Math.max(1, Math.min(baseWeight, ramped));
  }

  /** HAProxy keeps {@code slowstart} in whole seconds, rounded up. */
  private long slowStartSeconds() {
    return (policy.slowStart().toMillis() + 999) / 1000;
  }

  private void refreshWeight(String reason) {
    if (!member) {
      return;
    }
    setWeight(effectiveWeight(), reason);
  }

  private void setWeight(int w, String reason) {
    if (w != publishedWeight) {
      int old = publishedWeight;
      publishedWeight = w;
      snapshot();
      info("{} weight {} -> {}: {}", target.key(), old, w, reason);
      publisher.accept(new WeightChanged(scheduler.now(), target.service(), target.destination(), old, w, reason));
    }
  }

  private void scheduleRampTick() {
    // HAProxy's server_warmup: every max(1000 ms, slowstart / 20), where slowstart is in seconds but the 1000 is in
    // milliseconds, so in practice a step a second (slowstarts past 20,000 s step more slowly)
    Duration step = Duration.ofMillis(Math.max(1000, slowStartSeconds() / 20));
    cancel(rampTick);
    rampTick = scheduler.schedule(step, () -> {
      if (stopped || !ramping) {
        return;
      }
      // whole seconds since the change, as HAProxy counts them; rounded so that a timer firing a little early or
      // late still counts the second it was meant for
      rampSeconds = (scheduler.nanoTime() - rampStartNanos + 500_000_000L) / 1_000_000_000L;
      refreshWeight("slowstart");
      if (ramping) {
        scheduleRampTick();
      }
      snapshot();
    });
  }

  private void info(String format, Object... args) {
    if (inner) {
      log.debug(format, args);
    } else {
      log.info(format, args);
    }
  }

  private static void cancel(CheckScheduler.Timer t) {
    if (t != null) {
      t.cancel();
    }
  }

  private void snapshot() {
    int weight = member ? publishedWeight : 0;
    TargetStatus s = status;
    if (s != null && s.up() == up && s.health() == health && s.weight() == weight && s.lastResult() == lastResult
        && s.lastChange() == lastChange && s.admin() == admin) {
      return; // nothing changed (a steady target's check): keep the snapshot readers already have
    }
    status = new TargetStatus(target.key(), up, health, weight, lastResult, lastChange, admin);
  }
}
