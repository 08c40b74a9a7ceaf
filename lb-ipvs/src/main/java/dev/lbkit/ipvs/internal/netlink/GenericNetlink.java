package dev.lbkit.ipvs.internal.netlink;

import java.util.List;
import java.util.Optional;

/** The generic netlink controller ({@code nlctrl}): resolves a family name such as {@code IPVS} to its id. */
public final class GenericNetlink {

  /**
   * A generic netlink family as the controller describes it.
   *
   * @param name {@code CTRL_ATTR_FAMILY_NAME}
   * @param id {@code CTRL_ATTR_FAMILY_ID}: the {@code nlmsg_type} of the family's messages
   * @param version {@code CTRL_ATTR_VERSION}
   * @param maxAttribute {@code CTRL_ATTR_MAXATTR}
   */
  public record Family(String name, int id, int version, int maxAttribute) {}

  private GenericNetlink() {}

  /** The {@code CTRL_CMD_GETFAMILY} request for a family name. */
  public static NetlinkMessageWriter getFamilyRequest(String name) {
    return new NetlinkMessageWriter(64).begin(Netlink.GENL_ID_CTRL, 0)
        .genlHeader(Netlink.CTRL_CMD_GETFAMILY, Netlink.CTRL_VERSION)
        .attrString(Netlink.CTRL_ATTR_FAMILY_NAME, name)
        .end();
  }

  /**
   * Asks the controller for a family.
   *
   * @return the family, or empty when the kernel has none of that name ({@code ENOENT}: the module is not loaded)
   * @throws NetlinkException for any other refusal
   */
  public static Optional<Family> resolve(NetlinkConnection connection, String name) throws NetlinkException {
    List<Family> found;
    try {
      found = connection.request("resolve generic netlink family " + name, getFamilyRequest(name), m -> {
        NetlinkAttributes a = m.genlAttributes();
        return new Family(a.string(Netlink.CTRL_ATTR_FAMILY_NAME), a.u16(Netlink.CTRL_ATTR_FAMILY_ID),
            a.has(Netlink.CTRL_ATTR_VERSION) ? a.u32(Netlink.CTRL_ATTR_VERSION) : 0,
            a.has(Netlink.CTRL_ATTR_MAXATTR) ? a.u32(Netlink.CTRL_ATTR_MAXATTR) : 0);
      });
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENOENT) {
        return Optional.empty();
      }
      throw e;
    }
    if (found.isEmpty()) {
      throw new MalformedMessageException("the controller acknowledged the lookup of " + name + " without an answer");
    }
    return Optional.of(found.get(0));
  }
}
