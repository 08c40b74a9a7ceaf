package dev.lbkit.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lbkit.api.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing {@code /proc/net/ip_vs_conn} (the kernel's {@code ip_vs_conn_seq_show} format) and printing it as ipvsadm -Lnc. */
final class IpvsConnectionsTest {
  private static final String HEADER =
      "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n";
  private static final String TEXT = HEADER
      + "TCP 0A4F0002 8DBC 0A4D0001 0050 0A4E0002 1F90 TIME_WAIT         119\n"
      + "TCP 2001:0db8:0000:0000:0000:0000:0000:0001 9C40 2001:0db8:0000:0000:0000:0000:0000:0010 0050"
      + " 2001:0db8:0000:0000:0000:0000:0000:0053 1F90 ESTABLISHED     890\n"
      + "UDP C0A80101 13C4 0A4D0001 13C4 0A4E0002 13C4 UDP               7 sip a84b4c76e66710@pc33\n";

  @Test
  void parsesIpv4Ipv6AndPersistenceEngineLines() throws Exception {
    List<IpvsConnection> c = IpvsConnections.parse(TEXT);
    assertEquals(3, c.size());
    assertEquals(new IpvsConnection("TCP", Endpoint.parse("10.79.0.2:36284"), Endpoint.parse("10.77.0.1:80"),
        Endpoint.parse("10.78.0.2:8080"), "TIME_WAIT", 119, "", ""), c.get(0));
    assertEquals(Endpoint.parse("[2001:db8::1]:40000"), c.get(1).client());
    assertEquals(Endpoint.parse("[2001:db8::53]:8080"), c.get(1).destination());
    assertEquals(890, c.get(1).expiresSeconds());
    assertEquals("sip", c.get(2).persistenceEngine());
    assertEquals("a84b4c76e66710@pc33", c.get(2).persistenceData());
  }

  @Test
  void printsAsIpvsadmListsConnections() throws Exception {
    List<IpvsConnection> c = IpvsConnections.parse(TEXT);
    assertEquals("IPVS connection entries\n"
        + "pro expire state       source             virtual            destination\n"
        + "TCP 01:59  TIME_WAIT   10.79.0.2:36284    10.77.0.1:80       10.78.0.2:8080\n"
        + "TCP 14:50  ESTABLISHED [2001:db8::1]:40000 [2001:db8::10]:80  [2001:db8::53]:8080\n"
        + "UDP 00:07  UDP         192.168.1.1:5060   10.77.0.1:5060     10.78.0.2:5060\n",
        IpvsadmFormat.connections(c, false));
    assertEquals("IPVS connection entries\n"
        + "pro expire state       source             virtual            destination        pe name          pe_data\n"
        + "TCP 01:59  TIME_WAIT   10.79.0.2:36284    10.77.0.1:80       10.78.0.2:8080\n"
        + "TCP 14:50  ESTABLISHED [2001:db8::1]:40000 [2001:db8::10]:80  [2001:db8::53]:8080\n"
        // ipvsadm pads these rows' destination to 16 and the engine to 18, unlike its own title line
        + "UDP 00:07  UDP         192.168.1.1:5060   10.77.0.1:5060     10.78.0.2:5060   sip"
        + "                a84b4c76e66710@pc33\n",
        IpvsadmFormat.connections(c, true));
  }

  @Test
  void anEmptyTableIsTheHeaderOnly() throws Exception {
    assertEquals(List.of(), IpvsConnections.parse(HEADER));
  }

  @Test
  void malformedLinesNameTheLineAndItsText() {
    IpvsException e = assertThrows(IpvsException.class,
        () -> IpvsConnections.parse(HEADER + "TCP 0A4F0002 8DBC 0A4D0001 0050 0A4E0002 1F90 TIME_WAIT\n"));
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("TIME_WAIT\""), e.getMessage());
    e = assertThrows(IpvsException.class,
        () -> IpvsConnections.parse(HEADER + "TCP 0A4F00 8DBC 0A4D0001 0050 0A4E0002 1F90 TIME_WAIT 1\n"));
    assertTrue(e.getMessage().contains("0A4F00"), e.getMessage());
    e = assertThrows(IpvsException.class,
        () -> IpvsConnections.parse(HEADER + "TCP 0A4F0002 8DBC 0A4D0001 0050 0A4E0002 1F90 TIME_WAIT soon\n"));
    assertTrue(e.getMessage().contains("soon"), e.getMessage());
    e = assertThrows(IpvsException.class, () -> IpvsConnections.parse("garbage\n"));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }
}
