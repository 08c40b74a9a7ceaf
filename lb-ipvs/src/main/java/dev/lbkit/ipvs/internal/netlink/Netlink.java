package dev.lbkit.ipvs.internal.netlink;

/** Constants of uapi linux/netlink.h and linux/genetlink.h, with the kernel's names beside them. */
public final class Netlink {
  /** {@code NLMSG_HDRLEN}: u32 length, u16 type, u16 flags, u32 seq, u32 port id. */
  public static final int HEADER_LENGTH = 16;
  /** {@code NLA_HDRLEN}: u16 length, u16 type. */
  public static final int ATTR_HEADER_LENGTH = 4;
  /** {@code GENL_HDRLEN}: u8 cmd, u8 version, u16 reserved. */
  public static final int GENL_HEADER_LENGTH = 4;

  public static final int NLMSG_NOOP = 1; // NLMSG_NOOP
  public static final int NLMSG_ERROR = 2; // NLMSG_ERROR: an ACK when the error is 0
  public static final int NLMSG_DONE = 3; // NLMSG_DONE: end of a multipart dump
  public static final int NLMSG_OVERRUN = 4; // NLMSG_OVERRUN
  /** Types below this are control messages ({@code NLMSG_MIN_TYPE}). */
  public static final int NLMSG_MIN_TYPE = 0x10;

  public static final int NLM_F_REQUEST = 0x01; // NLM_F_REQUEST
  public static final int NLM_F_MULTI = 0x02; // NLM_F_MULTI: part of a multipart reply
  public static final int NLM_F_ACK = 0x04; // NLM_F_ACK: reply with an ACK (NLMSG_ERROR 0)
  public static final int NLM_F_ECHO = 0x08; // NLM_F_ECHO
  public static final int NLM_F_DUMP_INTR = 0x10; // NLM_F_DUMP_INTR: the dump was inconsistent, redo it
  public static final int NLM_F_ROOT = 0x100; // NLM_F_ROOT
  public static final int NLM_F_MATCH = 0x200; // NLM_F_MATCH
  public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH; // NLM_F_DUMP
  public static final int NLM_F_REPLACE = 0x100; // NLM_F_REPLACE (new requests)
  public static final int NLM_F_EXCL = 0x200; // NLM_F_EXCL
  public static final int NLM_F_CREATE = 0x400; // NLM_F_CREATE
  public static final int NLM_F_APPEND = 0x800; // NLM_F_APPEND
  public static final int NLM_F_CAPPED = 0x100; // NLM_F_CAPPED (on NLMSG_ERROR): request payload left out
  public static final int NLM_F_ACK_TLVS = 0x200; // NLM_F_ACK_TLVS (on NLMSG_ERROR): extended ACK follows

  public static final int NLA_F_NESTED = 0x8000; // NLA_F_NESTED
  public static final int NLA_F_NET_BYTEORDER = 0x4000; // NLA_F_NET_BYTEORDER
  public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff; // NLA_TYPE_MASK

  public static final int NLMSGERR_ATTR_MSG = 1; // NLMSGERR_ATTR_MSG: string
  public static final int NLMSGERR_ATTR_OFFS = 2; // NLMSGERR_ATTR_OFFS: u32 offset of the bad attribute

  public static final int SOL_NETLINK = 270; // SOL_NETLINK
  public static final int NETLINK_CAP_ACK = 10; // NETLINK_CAP_ACK: do not echo the request in errors
  public static final int NETLINK_EXT_ACK = 11; // NETLINK_EXT_ACK: extended ACK messages

  public static final int GENL_ID_CTRL = 0x10; // GENL_ID_CTRL: the controller family
  public static final int CTRL_CMD_GETFAMILY = 3; // CTRL_CMD_GETFAMILY
  public static final int CTRL_VERSION = 2; // the controller's genl version
  public static final int CTRL_ATTR_FAMILY_ID = 1; // CTRL_ATTR_FAMILY_ID: u16
  public static final int CTRL_ATTR_FAMILY_NAME = 2; // CTRL_ATTR_FAMILY_NAME: string
  public static final int CTRL_ATTR_VERSION = 3; // CTRL_ATTR_VERSION: u32
  public static final int CTRL_ATTR_HDRSIZE = 4; // CTRL_ATTR_HDRSIZE: u32
  public static final int CTRL_ATTR_MAXATTR = 5; // CTRL_ATTR_MAXATTR: u32

  private Netlink() {}

  /** Rounds up to the 4-byte netlink alignment ({@code NLMSG_ALIGN}, {@code NLA_ALIGN}). */
  public static int align(int length) {
    return (length + 3) & ~3;
  }
}
