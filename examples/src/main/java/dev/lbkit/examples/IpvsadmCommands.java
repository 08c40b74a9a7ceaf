package dev.lbkit.examples;

import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsChange;
import java.util.Locale;

/** An {@link IpvsChange} as the ipvsadm command that makes it, for people who read ipvsadm. */
final class IpvsadmCommands {
  private IpvsadmCommands() {}

  static String of(IpvsChange c) {
    if (c instanceof IpvsChange.AddService a) {
      return "ipvsadm -A " + service(a.serviceKey()) + options(a.service());
    } else if (c instanceof IpvsChange.EditService e) {
      return "ipvsadm -E " + service(e.serviceKey()) + options(e.service());
    } else if (c instanceof IpvsChange.DeleteService d) {
      return "ipvsadm -D " + service(d.key());
    } else if (c instanceof IpvsChange.AddDestination a) {
      return "ipvsadm -a " + service(a.service()) + destination(a.destination());
    } else if (c instanceof IpvsChange.EditDestination e) {
      return "ipvsadm -e " + service(e.service()) + destination(e.destination());
    } else if (c instanceof IpvsChange.DeleteDestination d) {
      return "ipvsadm -d " + service(d.service()) + " -r " + d.destination();
    }
    throw new AssertionError(c);
  }

  private static String service(ServiceKey key) {
    if (key instanceof ServiceKey.Address a) {
      String flag = a.protocol() == Protocol.TCP ? "-t" : a.protocol() == Protocol.UDP ? "-u" : "--sctp-service";
      return flag + " " + a.endpoint();
    }
    return "-f " + ((ServiceKey.FirewallMark) key).mark();
  }

  private static String options(VirtualService s) {
    String out = " -s " + s.scheduler();
    if (s.persistence().isPresent()) {
      out += " -p " + s.persistence().get().timeout().toSeconds();
    }
    return out;
  }

  private static String destination(RealServer rs) {
    String fwd = switch (rs.forwarding()) {
      case MASQUERADE -> "-m";
      case TUNNEL -> "-i";
      case DIRECT_ROUTE -> "-g";
      default -> "-g";
    };
    return " -r " + rs.endpoint() + " " + fwd + " -w " + rs.weight()
        + (rs.forwarding() == ForwardingMethod.LOCAL ? " (local)" : "").toLowerCase(Locale.ROOT);
  }
}
