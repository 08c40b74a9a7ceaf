/**
 * Reads keepalived.conf into an immutable model that maps onto the lbkit domain model.
 *
 * <p>Start with {@link dev.lbkit.config.KeepalivedConfigParser}.
 */
module dev.lbkit.config {
  requires transitive dev.lbkit.api;
  requires com.google.common;
  requires org.slf4j;

  exports dev.lbkit.config;
}
