package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.KeepalivedConfigParser;
import dev.lbkit.vrrp.VrrpConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** keepalived's gratuitous ARP settings reach lb-vrrp's {@link VrrpConfig} as lb-config completed them. */
final class KeepalivedGarpTest {
  @Test
  void garpSettings_ofTheInstanceAndGlobalDefs_becomeTheVrrpConfigs() throws Exception {
    KeepalivedConfig c = KeepalivedConfigParser.parse("k.conf", """
        global_defs {
          vrrp_garp_interval 0.2
          vrrp_gna_interval 0.3
          vrrp_garp_master_repeat 2
        }
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          garp_master_repeat 3
          garp_master_delay 2
          garp_master_refresh 3
          garp_master_refresh_repeat 2
          garp_lower_prio_delay 1
          lower_prio_no_advert
          virtual_ipaddress {
            10.0.0.100/24
          }
        }
        """, Path.of(".")).orThrow();
    VrrpConfig v = KeepalivedVrrp.vrrpConfigs(c, ifname -> ifname).get(0);
    assertEquals(3, v.garpRepeat());
    assertEquals(Duration.ofSeconds(2), v.garpDelay());
    assertEquals(Duration.ofSeconds(3), v.garpRefresh());
    assertEquals(2, v.garpRefreshRepeat());
    assertEquals(2, v.garpLowerPrioRepeat(), "keepalived's default: the global vrrp_garp_master_repeat");
    assertEquals(Duration.ofSeconds(1), v.garpLowerPrioDelay());
    assertEquals(Duration.ofMillis(200), v.garpInterval());
    assertEquals(Duration.ofMillis(300), v.gnaInterval());
    assertEquals(true, v.lowerPrioNoAdvert());
  }
}
