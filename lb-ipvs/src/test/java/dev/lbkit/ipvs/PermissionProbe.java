package dev.lbkit.ipvs;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;

/** Tries to add a service and prints the outcome's class and message; run without CAP_NET_ADMIN by a test. */
final class PermissionProbe {
  private PermissionProbe() {}

  public static void main(String[] args) throws Exception {
    try (IpvsClient ipvs = Ipvs.open()) {
      ipvs.addService(VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.77:80"))).build());
      System.out.println("ADDED");
    } catch (IpvsException e) {
      System.out.println(e.getClass().getSimpleName() + " errno=" + e.errno() + ": " + e.getMessage());
    }
  }
}
