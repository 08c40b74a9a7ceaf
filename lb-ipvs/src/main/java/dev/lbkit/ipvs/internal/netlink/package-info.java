/**
 * Netlink framing in pure Java: messages and attributes ({@link dev.lbkit.ipvs.internal.netlink.NetlinkMessageWriter},
 * {@link dev.lbkit.ipvs.internal.netlink.NetlinkMessage}, {@link dev.lbkit.ipvs.internal.netlink.NetlinkAttributes}),
 * requests, ACKs, dumps and batches ({@link dev.lbkit.ipvs.internal.netlink.NetlinkConnection}) over a
 * {@link dev.lbkit.ipvs.internal.netlink.NetlinkSocket} of {@code NETLINK_GENERIC} or {@code NETLINK_ROUTE}, and
 * the generic netlink controller ({@link dev.lbkit.ipvs.internal.netlink.GenericNetlink}). Not API: exported only
 * to {@code dev.lbkit.vrrp}, which builds rtnetlink address changes on it. Start with
 * {@code NetlinkConnection.open(NetlinkProtocol.ROUTE)}.
 */
package dev.lbkit.ipvs.internal.netlink;
