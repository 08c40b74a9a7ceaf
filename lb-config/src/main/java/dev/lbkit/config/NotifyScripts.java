package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The notify hooks of a VRRP instance or sync group ({@code notify_master}, {@code notify_backup},
 * {@code notify_fault}, {@code notify_stop}, {@code notify}): command lines as written, not run by the parser.
 *
 * @param master run on becoming master
 * @param backup run on becoming backup
 * @param fault run on entering fault
 * @param stop run when the instance stops
 * @param any run on every change, with the group or instance, its name and the new state as arguments
 */
public record NotifyScripts(
    Optional<String> master, Optional<String> backup, Optional<String> fault, Optional<String> stop,
    Optional<String> any) {

  /** No hooks. */
  public static final NotifyScripts NONE =
      new NotifyScripts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public NotifyScripts {
    requireNonNull(master, "master");
    requireNonNull(backup, "backup");
    requireNonNull(fault, "fault");
    requireNonNull(stop, "stop");
    requireNonNull(any, "any");
  }

  /** Whether no hook is set. */
  public boolean isEmpty() {
    return master.isEmpty() && backup.isEmpty() && fault.isEmpty() && stop.isEmpty() && any.isEmpty();
  }
}
