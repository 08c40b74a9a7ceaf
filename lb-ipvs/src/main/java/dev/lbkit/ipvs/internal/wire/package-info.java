/**
 * The IPVS generic netlink messages: constants of uapi linux/ip_vs.h ({@link dev.lbkit.ipvs.internal.wire.IpvsGenl}),
 * requests encoded byte for byte as ipvsadm 1.31 sends them ({@link dev.lbkit.ipvs.internal.wire.IpvsRequests}) and
 * the kernel's answers decoded into lb-api types ({@link dev.lbkit.ipvs.internal.wire.IpvsReplies}). Knows bytes,
 * not sockets.
 */
package dev.lbkit.ipvs.internal.wire;
