package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.director.spi.TableWriter;
import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.IpvsClient;
import dev.lbkit.ipvs.IpvsException;
import java.util.List;

/**
 * A {@link TableWriter} on an {@link IpvsClient}: kernel IPVS over netlink, or {@code InMemoryIpvs}. Each change is
 * one IPVS command; a refusal comes back as the client's {@link IpvsException} (an {@code IOException}).
 */
public final class IpvsTableWriter implements TableWriter {
  private final IpvsClient ipvs;

  public IpvsTableWriter(IpvsClient ipvs) {
    this.ipvs = requireNonNull(ipvs, "ipvs");
  }

  /** The client written to. */
  public IpvsClient client() {
    return ipvs;
  }

  @Override
  public List<LoadBalancedService> read() throws IpvsException {
    return ipvs.table();
  }

  @Override
  public void apply(IpvsChange change) throws IpvsException {
    if (change instanceof IpvsChange.AddService a) {
      ipvs.addService(a.service());
    } else if (change instanceof IpvsChange.EditService e) {
      ipvs.editService(e.service());
    } else if (change instanceof IpvsChange.DeleteService d) {
      ipvs.deleteService(d.key());
    } else if (change instanceof IpvsChange.AddDestination a) {
      ipvs.addDestination(a.service(), a.destination());
    } else if (change instanceof IpvsChange.EditDestination e) {
      ipvs.editDestination(e.service(), e.destination());
    } else if (change instanceof IpvsChange.DeleteDestination d) {
      ipvs.deleteDestination(d.service(), d.destination());
    } else {
      throw new AssertionError(change);
    }
  }
}
