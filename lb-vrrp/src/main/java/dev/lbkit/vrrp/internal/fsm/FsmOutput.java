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

  /**
   * Send one gratuitous ARP / unsolicited neighbour advertisement for the virtual address at {@code index} (in
   * configuration order): what a rate-limited burst sends one at a time.
   */
  void announceVirtualAddress(int index);

  /**
   * A Master heard an advertisement of lower priority and is about to answer it (with an advertisement unless
   * {@link FsmConfig#lowerPrioNoAdvert()}, and with announcements): the owner may sync what the answer carries (an
   * IPsec-AH sequence number). The default does nothing.
   */
  default void heardLowerPriority() {}

  /** The state changed. */
  void stateChanged(VrrpState from, VrrpState to, String reason);

  /**
   * Asked when the master-down timer fired: may this Backup take over now? A sync group answers no while another
   * member does not want Master yet (keepalived's {@code vrrp_sync_can_goto_master}); the machine then waits another
   * Master_Down_Interval. Alone, an instance always may.
   */
  default boolean mayBecomeMaster() {
    return true;
  }
}
