/**
 * Events the modules publish and the listener interfaces to receive them: destination health and weight changes
 * (health checks, the director) and VRRP state changes. Listeners are called on the publisher's thread and must
 * not block; a listener that throws is logged and skipped by every publisher in lbkit.
 */
package dev.lbkit.api.event;
