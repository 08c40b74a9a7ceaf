/**
 * The VRRP state machine of RFC 3768 and RFC 5798 with keepalived's Fault state: packets and timers in, actions out;
 * no I/O and no clock reads.
 */
package dev.lbkit.vrrp.internal.fsm;
