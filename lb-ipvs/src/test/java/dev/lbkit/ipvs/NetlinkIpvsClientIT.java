package dev.lbkit.ipvs;

/**
 * The contract on the real kernel, over netlink. Needs a kernel with IPVS and CAP_NET_ADMIN: KernelLabIT runs it
 * inside lab/kernel/run's VM, in a network namespace of its own.
 */
final class NetlinkIpvsClientIT extends IpvsClientContract {
  @Override
  protected IpvsClient newClient() throws IpvsException {
    return Ipvs.open();
  }
}
