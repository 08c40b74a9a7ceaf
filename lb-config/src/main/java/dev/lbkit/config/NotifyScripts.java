package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * The notify hooks of a VRRP instance or sync group ({@code notify_master}, {@code notify_backup},
 * {@code notify_fault}, {@code notify_stop}, {@code notify}, and an instance's {@code notify_deleted}): command
 * lines as written, not run by the parser.
 *
 * @param master run on becoming master
 * @param backup run on becoming backup
 * @param fault run on entering fault
 * @param stop run when the instance stops
 * @param any run on every change, with the group or instance, its name and the new state as arguments
 * @param deleted {@code notify_deleted}'s command, if it has one: run when a reload removes the instance
 * @param notifyDeleted whether {@code notify_deleted} is given (with or without a command): a removed instance then
 *     reports DELETED instead of keepalived's default FAULT, even if it was in Fault
 * @param users the user a hook runs as when written after its command ({@code notify_master "CMD" USER [GROUP]}),
 *     by keyword ({@code notify_master}, ..., {@code notify}, {@code notify_deleted}); others run as the default
 *     script user
 */
public record NotifyScripts(
    Optional<String> master, Optional<String> backup, Optional<String> fault, Optional<String> stop,
    Optional<String> any, Optional<String> deleted, boolean notifyDeleted, Map<String, ScriptUserConfig> users) {

  /** No hooks. */
  public static final NotifyScripts NONE =
      new NotifyScripts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** Hooks that run as the default script user. */
  public NotifyScripts(Optional<String> master, Optional<String> backup, Optional<String> fault,
      Optional<String> stop, Optional<String> any, Optional<String> deleted, boolean notifyDeleted) {
    this(master, backup, fault, stop, any, deleted, notifyDeleted, Map.of());
  }

  /** Hooks without {@code notify_deleted}. */
  public NotifyScripts(Optional<String> master, Optional<String> backup, Optional<String> fault,
      Optional<String> stop, Optional<String> any) {
    this(master, backup, fault, stop, any, Optional.empty(), false);
  }

  public NotifyScripts {
    requireNonNull(master, "master");
    requireNonNull(backup, "backup");
    requireNonNull(fault, "fault");
    requireNonNull(stop, "stop");
    requireNonNull(any, "any");
    requireNonNull(deleted, "deleted");
    users = Map.copyOf(users);
    if (deleted.isPresent() && !notifyDeleted) {
      throw new IllegalArgumentException("a notify_deleted command (" + deleted.get() + ") needs notifyDeleted");
    }
  }

  /** Whether no hook is set. */
  public boolean isEmpty() {
    return master.isEmpty() && backup.isEmpty() && fault.isEmpty() && stop.isEmpty() && any.isEmpty()
        && !notifyDeleted;
  }
}
