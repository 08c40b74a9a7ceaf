package dev.lbkit.director;

/** What a director does with its table while its VRRP instances are not all Master. */
public enum BackupPolicy {
  /**
   * Keep the table installed and in step with health checks, as keepalived does (its checker process runs on
   * every router whatever the VRRP state, so a new master needs no table rebuild).
   */
  KEEP_TABLE,
  /** Remove the managed services while not Master and install them again on becoming Master. */
  CLEAR_TABLE
}
