package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.director.spi.TableWriter;
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
  public void apply(TableChange change) throws IpvsException {
    if (change instanceof TableChange.AddService a) {
      ipvs.addService(a.value());
    } else if (change instanceof TableChange.EditService e) {
      ipvs.editService(e.value());
    } else if (change instanceof TableChange.DeleteService d) {
      ipvs.deleteService(d.service());
    } else if (change instanceof TableChange.AddDestination a) {
      ipvs.addDestination(a.service(), a.destination());
    } else if (change instanceof TableChange.EditDestination e) {
      ipvs.editDestination(e.service(), e.destination());
    } else if (change instanceof TableChange.DeleteDestination d) {
      ipvs.deleteDestination(d.service(), d.destination());
    } else {
      throw new AssertionError(change);
    }
  }
}
