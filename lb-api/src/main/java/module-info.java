/**
 * The shared domain model of lbkit: virtual services, real servers, the scheduler SPI and events.
 *
 * <p>Start with {@link dev.lbkit.api.VirtualService} and {@link dev.lbkit.api.RealServer}; schedulers implement
 * {@link dev.lbkit.api.sched.Scheduler}; modules publish {@link dev.lbkit.api.event.LbEvent}s. Modules that read an
 * operator's files (configurations, traces) do so through {@link dev.lbkit.api.io.InputFiles}.
 */
@SuppressWarnings("module") // the modules it exports to are built after this one
module dev.lbkit.api {
  requires com.google.common;

  exports dev.lbkit.api;
  exports dev.lbkit.api.sched;
  exports dev.lbkit.api.event;
  exports dev.lbkit.api.io;
  // keepalived's quorum rule, one implementation for the keepalived.conf reader, the Java API and the director; not API
  exports dev.lbkit.api.internal.quorum to dev.lbkit.config, dev.lbkit.healthcheck, dev.lbkit.director;
}
