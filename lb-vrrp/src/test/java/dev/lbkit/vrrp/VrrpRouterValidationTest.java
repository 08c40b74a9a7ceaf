package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lbkit.vrrp.testkit.NoopSpi;
import org.junit.jupiter.api.Test;

/** What VrrpRouter.Builder.build refuses before anything starts, each with the rule it broke. */
final class VrrpRouterValidationTest {

  private static VrrpRouter.Builder router() {
    VrrpRouter.Builder b = VrrpRouter.builder(NoopSpi.transport(), NoopSpi.addresses()).ticker(() -> 0L);
    for (int vrid = 1; vrid <= 3; vrid++) {
      b.instance(VrrpConfig.builder("VI_" + vrid).interfaceName("eth0").vrid(vrid).priority(100)
          .virtualAddress(VirtualAddress.parse("10.0.0." + (100 + vrid) + "/24")).build());
    }
    return b;
  }

  @Test
  void anInstanceInTwoSyncGroups_isRefused() {
    // the two groups were silently joined into one: a change of VI_1 forced VI_2's and VI_3's state
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> router().syncGroup("VI_1", "VI_2").syncGroup("VI_1", "VI_3").build());
    assertEquals("instance 'VI_1' is named in sync groups [VI_1, VI_2] and [VI_1, VI_3]; an instance belongs to one"
        + " group at most", e.getMessage());
  }

  @Test
  void anInstanceTwiceInOneSyncGroup_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> router().syncGroup("VI_1", "VI_2", "VI_1").build());
    assertEquals("instance 'VI_1' is named twice in sync group [VI_1, VI_2, VI_1]; an instance belongs to one group"
        + " at most", e.getMessage());
  }

  @Test
  void disjointSyncGroups_build() throws Exception {
    router().syncGroup("VI_1", "VI_2").syncGroup("VI_3").build().close();
  }
}
