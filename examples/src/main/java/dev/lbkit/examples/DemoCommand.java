package dev.lbkit.examples;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.LoadBalancedService;
import dev.lbkit.api.Persistence;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;
import dev.lbkit.ipvs.IpvsadmFormat;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** {@code lbkit demo}: builds a small table from the domain model and prints it as {@code ipvsadm -Ln} would. */
final class DemoCommand implements Command {
  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "build a virtual service with real servers and print it as ipvsadm -Ln would";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    if (args.contains("--help")) {
      out.println("usage: lbkit demo");
      return 0;
    }
    if (!args.isEmpty()) {
      throw new UsageException("takes no arguments but got " + args);
    }
    out.print(IpvsadmFormat.listNumeric(table()));
    return 0;
  }

  /** The demo table: a weighted least-connection web service and a persistent, source-hashed HTTPS service. */
  static List<LoadBalancedService> table() {
    VirtualService web = VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80")))
        .scheduler("wlc")
        .build();
    VirtualService https = VirtualService.builder(ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:443")))
        .scheduler("rr")
        .persistence(Persistence.of(Duration.ofMinutes(5), 24))
        .build();
    return List.of(
        LoadBalancedService.of(web,
            server("10.0.0.2:80", 3), server("10.0.0.3:80", 2), server("10.0.0.4:80", 0)),
        LoadBalancedService.of(https,
            server("10.0.0.2:443", 1), server("10.0.0.3:443", 1)));
  }

  private static RealServer server(String endpoint, int weight) {
    return RealServer.builder(Endpoint.parse(endpoint)).weight(weight).forwarding(ForwardingMethod.MASQUERADE).build();
  }
}
