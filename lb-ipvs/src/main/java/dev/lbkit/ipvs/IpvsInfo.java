package dev.lbkit.ipvs;

import java.util.Locale;

/**
 * What IPVS says about itself ({@code IPVS_CMD_GET_INFO}). Immutable.
 *
 * @param version the IPVS version as the kernel encodes it: {@code 0x010201} is 1.2.1
 * @param connectionTableSize the size of the connection hash table
 */
public record IpvsInfo(int version, int connectionTableSize) {
  /** The version as {@code ipvsadm} prints it, such as {@code 1.2.1}. */
  public String versionString() {
    return String.format(Locale.ROOT, "%d.%d.%d", (version >> 16) & 0xff, (version >> 8) & 0xff, version & 0xff);
  }
}
