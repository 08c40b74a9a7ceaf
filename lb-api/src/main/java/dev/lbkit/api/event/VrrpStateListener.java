package dev.lbkit.api.event;

/** Receives VRRP state changes. Called on the engine's thread; must not block. */
@FunctionalInterface
public interface VrrpStateListener {
  void onStateChange(VrrpStateChanged event);
}
