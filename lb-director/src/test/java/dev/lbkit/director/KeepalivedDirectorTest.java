package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.ForwardingMethod;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.ipvs.IpvsChange;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

final class KeepalivedDirectorTest {
  static KeepalivedConfig parse(String text) throws Exception {
    return KeepalivedConfigParser.parse("k.conf", text, Path.of(".")).orThrow();
  }

  static RealServer nat(String endpoint, int weight) {
    return RealServer.builder(Endpoint.parse(endpoint)).weight(weight).forwarding(ForwardingMethod.MASQUERADE).build();
  }

  @Test
  void withoutVrrp_theTableIsInstalled_andReloadAppliesOnlyTheDifference() throws Exception {
    KeepalivedConfig first = parse("""
        virtual_server 192.0.2.10 80 {
          protocol TCP
          lb_algo rr
          real_server 10.0.0.1 80 {
            weight 1
          }
          real_server 10.0.0.2 80 {
            weight 1
          }
        }
        virtual_server 192.0.2.10 443 {
          protocol TCP
          real_server 10.0.0.1 443 {
          }
        }
        """);
    KeepalivedConfig second = parse("""
        virtual_server 192.0.2.10 80 {
          protocol TCP
          lb_algo rr
          real_server 10.0.0.1 80 {
            weight 5
          }
          real_server 10.0.0.2 80 {
            weight 1
          }
          real_server 10.0.0.3 80 {
            weight 1
          }
        }
        """);
    RecordingTableWriter table = new RecordingTableWriter();
    ServiceKey web = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:80"));
    ServiceKey tls = ServiceKey.of(Protocol.TCP, Endpoint.parse("192.0.2.10:443"));
    try (KeepalivedDirector node = KeepalivedDirector.builder(first, table).build()) {
      node.start();
      assertTrue(node.director().active());
      assertEquals(5, table.drain().size());
      node.reload(second);
      assertEquals(List.of(new IpvsChange.DeleteService(tls),
          new IpvsChange.EditDestination(web, nat("10.0.0.1:80", 5)),
          new IpvsChange.AddDestination(web, nat("10.0.0.3:80", 1))), table.drain());
    }
    assertEquals(List.of(new IpvsChange.DeleteService(web)), table.drain());
  }
}
