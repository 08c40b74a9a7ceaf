package dev.lbkit.ipvs;

/** The contract on the in-memory twin. */
final class InMemoryIpvsTest extends IpvsClientContract {
  @Override
  protected IpvsClient newClient() {
    return new InMemoryIpvs();
  }
}
