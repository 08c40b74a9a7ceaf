package dev.lbkit.api.sched;

import java.util.Optional;

/**
 * Picks a destination for a new connection or request.
 *
 * <p>A scheduler works over the destinations of one service, which its implementation is given (see
 * lb-scheduling's {@code Schedulers}). A pick returns {@link Optional#empty()} when no destination may be chosen
 * (all quiesced, overloaded or absent); it never throws for that. Implementations document their threading
 * contract; those in lb-scheduling allow concurrent picks.
 */
public interface Scheduler {

  /** The name users select it by: {@code wlc}, {@code roundrobin}, and so on. */
  String name();

  /**
   * Picks a destination for the first packet of a connection, as IPVS does.
   *
   * @return the destination, or empty when nothing may be picked
   */
  Optional<Destination> pick(Flow flow);

  /**
   * Picks a destination for a layer-7 request. Layer-4 schedulers use only {@link Request#flow()}.
   *
   * @return the destination, or empty when nothing may be picked
   */
  default Optional<Destination> pick(Request request) {
    return pick(request.flow());
  }
}
