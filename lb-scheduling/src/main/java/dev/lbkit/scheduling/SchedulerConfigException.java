package dev.lbkit.scheduling;

/**
 * A scheduler configuration that cannot work: an unknown scheduler name, a flag that does not apply to the chosen
 * scheduler, or an option with a bad value. Thrown at configuration time, never by a pick.
 */
public final class SchedulerConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The scheduler name the configuration was for, as given. */
  private final String scheduler;

  public SchedulerConfigException(String scheduler, String message) {
    super(message);
    this.scheduler = scheduler;
  }

  /** The scheduler name the rejected configuration was for, as given. */
  public String scheduler() {
    return scheduler;
  }
}
