package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.vrrp.InMemoryVrrpNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two directors on an in-memory VRRP segment: the master's table is installed, and moves on failover. */
final class DirectorFailoverTest {
  static KeepalivedConfig config(String state, int priority) throws Exception {
    String text = """
        vrrp_sync_group VG1 {
          group {
            RH_EXT
            RH_INT
          }
        }
        vrrp_instance RH_EXT {
          state %1$s
          interface eth0
          virtual_router_id 50
          priority %2$d
          advert_int 1
          authentication {
            auth_type PASS
            auth_pass passw123
          }
          virtual_ipaddress {
            10.0.0.1
          }
        }
        vrrp_instance RH_INT {
          state %1$s
          interface eth1
          virtual_router_id 2
          priority %2$d
          advert_int 1
          virtual_ipaddress {
            192.168.1.1
          }
        }
        virtual_server 10.0.0.1 80 {
          protocol TCP
          lb_algo rr
          lb_kind NAT
          real_server 192.168.1.20 80 {
          }
          real_server 192.168.1.21 80 {
          }
        }
        """.formatted(state, priority);
    return KeepalivedConfigParser.parse(state + ".conf", text, Path.of(".")).orThrow();
  }

  @Test
  void masterInstallsTheTable_andTheBackupTakesOverWhenTheMasterDies() throws Exception {
    InMemoryVrrpNetwork net = new InMemoryVrrpNetwork();
    net.addHost("lb1", "10.0.0.11", "fe80::11");
    net.addHost("lb2", "10.0.0.12", "fe80::12");
    RecordingTableWriter table1 = new RecordingTableWriter();
    RecordingTableWriter table2 = new RecordingTableWriter();
    try (KeepalivedDirector lb1 = node(config("MASTER", 100), table1);
        KeepalivedDirector lb2 = node(config("BACKUP", 99), table2)) {
      net.start("lb1", lb1.vrrp(ifname -> InMemoryVrrpNetwork.INTERFACE));
      net.start("lb2", lb2.vrrp(ifname -> InMemoryVrrpNetwork.INTERFACE));
      net.advance(Duration.ofSeconds(5));

      assertTrue(lb1.director().active());
      assertFalse(lb2.director().active());
      assertEquals(Set.of("lb1"), net.holders(Endpoint.parseAddress("10.0.0.1")));
      assertEquals(2, table1.table.values().iterator().next().realServers().size());
      assertTrue(table2.table.isEmpty());

      net.crash("lb1");
      net.advance(Duration.ofSeconds(5));
      assertTrue(lb2.director().active());
      assertEquals(Set.of("lb2"), net.holders(Endpoint.parseAddress("10.0.0.1")));
      assertEquals(Set.of("lb2"), net.holders(Endpoint.parseAddress("192.168.1.1")));
      assertEquals(2, table2.table.values().iterator().next().realServers().size());
    }
  }

  private static KeepalivedDirector node(KeepalivedConfig config, RecordingTableWriter table) throws IOException {
    KeepalivedDirector d = KeepalivedDirector.builder(config, table).backupPolicy(BackupPolicy.CLEAR_TABLE).build();
    d.start();
    return d;
  }
}
