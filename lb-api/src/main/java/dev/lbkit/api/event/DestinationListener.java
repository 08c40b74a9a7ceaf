package dev.lbkit.api.event;

/** Receives destination up, down and weight events. Called on the publisher's thread; must not block. */
@FunctionalInterface
public interface DestinationListener {
  void onDestinationEvent(DestinationEvent event);
}
