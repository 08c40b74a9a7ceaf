/**
 * The shared domain model of lbkit: virtual services, real servers, the scheduler SPI and events.
 *
 * <p>Start with {@link dev.lbkit.api.VirtualService} and {@link dev.lbkit.api.RealServer}; schedulers implement
 * {@link dev.lbkit.api.sched.Scheduler}; modules publish {@link dev.lbkit.api.event.LbEvent}s. Modules that read an
 * operator's files (configurations, traces) do so through {@link dev.lbkit.api.io.InputFiles}.
 */
module dev.lbkit.api {
  requires com.google.common;

  exports dev.lbkit.api;
  exports dev.lbkit.api.sched;
  exports dev.lbkit.api.event;
  exports dev.lbkit.api.io;
}
