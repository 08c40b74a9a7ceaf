package dev.lbkit.vrrp.internal.fsm;

import dev.lbkit.api.event.VrrpState;

/** What the state machine asks its owner to do. Called synchronously from the machine's input methods. */
public interface FsmOutput {
  /** Send an advertisement with this priority (0 = resigning) and the configured interval. */
  void sendAdvertisement(int priority);

  /** Configure the virtual addresses on the interface. */
  void addVirtualAddresses();

  /** Remove the virtual addresses from the interface. */
  void removeVirtualAddresses();

  /** Send gratuitous ARPs / unsolicited neighbour advertisements for the virtual addresses, once each. */
  void announceVirtualAddresses();

  /** The state changed. */
  void stateChanged(VrrpState from, VrrpState to, String reason);
}
