package dev.lbkit.director.spi;

import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.ipvs.IpvsChange;
import java.io.IOException;
import java.util.List;

/**
 * Where a director's table goes: kernel IPVS through an {@code IpvsClient}, its in-memory twin, or anything else
 * that takes {@link IpvsChange}s. Called from one thread at a time.
 */
public interface TableWriter {

  /**
   * The table as it is now, for the director to start from (services it does not manage are left alone).
   *
   * @throws IOException if the table cannot be read
   */
  List<LoadBalancedService> read() throws IOException;

  /**
   * Applies one change.
   *
   * @throws IOException if it was not applied; the director reports it and retries on its next resync
   */
  void apply(IpvsChange change) throws IOException;
}
