package dev.lbkit.ipvs.internal.wire;

/**
 * The IPVS generic netlink interface: commands and attributes of uapi linux/ip_vs.h, with the kernel's names
 * beside them. Integers are host order unless marked network order.
 */
public final class IpvsGenl {
  public static final String FAMILY_NAME = "IPVS"; // IPVS_GENL_NAME
  public static final int VERSION = 1; // IPVS_GENL_VERSION

  // enum IPVS_CMD_*
  public static final int CMD_NEW_SERVICE = 1; // IPVS_CMD_NEW_SERVICE
  public static final int CMD_SET_SERVICE = 2; // IPVS_CMD_SET_SERVICE
  public static final int CMD_DEL_SERVICE = 3; // IPVS_CMD_DEL_SERVICE
  public static final int CMD_GET_SERVICE = 4; // IPVS_CMD_GET_SERVICE
  public static final int CMD_NEW_DEST = 5; // IPVS_CMD_NEW_DEST
  public static final int CMD_SET_DEST = 6; // IPVS_CMD_SET_DEST
  public static final int CMD_DEL_DEST = 7; // IPVS_CMD_DEL_DEST
  public static final int CMD_GET_DEST = 8; // IPVS_CMD_GET_DEST
  public static final int CMD_NEW_DAEMON = 9; // IPVS_CMD_NEW_DAEMON
  public static final int CMD_DEL_DAEMON = 10; // IPVS_CMD_DEL_DAEMON
  public static final int CMD_GET_DAEMON = 11; // IPVS_CMD_GET_DAEMON
  public static final int CMD_SET_CONFIG = 12; // IPVS_CMD_SET_CONFIG
  public static final int CMD_GET_CONFIG = 13; // IPVS_CMD_GET_CONFIG
  public static final int CMD_SET_INFO = 14; // IPVS_CMD_SET_INFO (unused by the kernel)
  public static final int CMD_GET_INFO = 15; // IPVS_CMD_GET_INFO
  public static final int CMD_ZERO = 16; // IPVS_CMD_ZERO
  public static final int CMD_FLUSH = 17; // IPVS_CMD_FLUSH

  // enum IPVS_CMD_ATTR_*: top level
  public static final int CMD_ATTR_SERVICE = 1; // IPVS_CMD_ATTR_SERVICE, nested IPVS_SVC_ATTR_*
  public static final int CMD_ATTR_DEST = 2; // IPVS_CMD_ATTR_DEST, nested IPVS_DEST_ATTR_*
  public static final int CMD_ATTR_DAEMON = 3; // IPVS_CMD_ATTR_DAEMON, nested IPVS_DAEMON_ATTR_*
  public static final int CMD_ATTR_TIMEOUT_TCP = 4; // IPVS_CMD_ATTR_TIMEOUT_TCP, u32 seconds
  public static final int CMD_ATTR_TIMEOUT_TCP_FIN = 5; // IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, u32 seconds
  public static final int CMD_ATTR_TIMEOUT_UDP = 6; // IPVS_CMD_ATTR_TIMEOUT_UDP, u32 seconds

  // enum IPVS_SVC_ATTR_*
  public static final int SVC_ATTR_AF = 1; // IPVS_SVC_ATTR_AF, u16
  public static final int SVC_ATTR_PROTOCOL = 2; // IPVS_SVC_ATTR_PROTOCOL, u16
  public static final int SVC_ATTR_ADDR = 3; // IPVS_SVC_ATTR_ADDR, union nf_inet_addr (16 bytes)
  public static final int SVC_ATTR_PORT = 4; // IPVS_SVC_ATTR_PORT, u16 network order
  public static final int SVC_ATTR_FWMARK = 5; // IPVS_SVC_ATTR_FWMARK, u32
  public static final int SVC_ATTR_SCHED_NAME = 6; // IPVS_SVC_ATTR_SCHED_NAME, string
  public static final int SVC_ATTR_FLAGS = 7; // IPVS_SVC_ATTR_FLAGS, struct ip_vs_flags {u32 flags; u32 mask}
  public static final int SVC_ATTR_TIMEOUT = 8; // IPVS_SVC_ATTR_TIMEOUT, u32 seconds of persistence
  public static final int SVC_ATTR_NETMASK = 9; // IPVS_SVC_ATTR_NETMASK, u32: IPv4 mask network order, IPv6 prefix
  public static final int SVC_ATTR_STATS = 10; // IPVS_SVC_ATTR_STATS, nested IPVS_STATS_ATTR_*
  public static final int SVC_ATTR_PE_NAME = 11; // IPVS_SVC_ATTR_PE_NAME, string
  public static final int SVC_ATTR_STATS64 = 12; // IPVS_SVC_ATTR_STATS64, nested IPVS_STATS_ATTR_* (u64)

  // enum IPVS_DEST_ATTR_*
  public static final int DEST_ATTR_ADDR = 1; // IPVS_DEST_ATTR_ADDR, union nf_inet_addr (16 bytes)
  public static final int DEST_ATTR_PORT = 2; // IPVS_DEST_ATTR_PORT, u16 network order
  public static final int DEST_ATTR_FWD_METHOD = 3; // IPVS_DEST_ATTR_FWD_METHOD, u32 (IP_VS_CONN_F_FWD_MASK bits)
  public static final int DEST_ATTR_WEIGHT = 4; // IPVS_DEST_ATTR_WEIGHT, u32 (s32 >= 0 in the kernel)
  public static final int DEST_ATTR_U_THRESH = 5; // IPVS_DEST_ATTR_U_THRESH, u32
  public static final int DEST_ATTR_L_THRESH = 6; // IPVS_DEST_ATTR_L_THRESH, u32
  public static final int DEST_ATTR_ACTIVE_CONNS = 7; // IPVS_DEST_ATTR_ACTIVE_CONNS, u32
  public static final int DEST_ATTR_INACT_CONNS = 8; // IPVS_DEST_ATTR_INACT_CONNS, u32
  public static final int DEST_ATTR_PERSIST_CONNS = 9; // IPVS_DEST_ATTR_PERSIST_CONNS, u32
  public static final int DEST_ATTR_STATS = 10; // IPVS_DEST_ATTR_STATS, nested
  public static final int DEST_ATTR_ADDR_FAMILY = 11; // IPVS_DEST_ATTR_ADDR_FAMILY, u16
  public static final int DEST_ATTR_STATS64 = 12; // IPVS_DEST_ATTR_STATS64, nested (u64)
  public static final int DEST_ATTR_TUN_TYPE = 13; // IPVS_DEST_ATTR_TUN_TYPE, u8
  public static final int DEST_ATTR_TUN_PORT = 14; // IPVS_DEST_ATTR_TUN_PORT, u16 network order
  public static final int DEST_ATTR_TUN_FLAGS = 15; // IPVS_DEST_ATTR_TUN_FLAGS, u16

  // enum IPVS_DAEMON_ATTR_*
  public static final int DAEMON_ATTR_STATE = 1; // IPVS_DAEMON_ATTR_STATE, u32 (IP_VS_STATE_MASTER/BACKUP)
  public static final int DAEMON_ATTR_MCAST_IFN = 2; // IPVS_DAEMON_ATTR_MCAST_IFN, string
  public static final int DAEMON_ATTR_SYNC_ID = 3; // IPVS_DAEMON_ATTR_SYNC_ID, u32
  public static final int DAEMON_ATTR_SYNC_MAXLEN = 4; // IPVS_DAEMON_ATTR_SYNC_MAXLEN, u16
  public static final int DAEMON_ATTR_MCAST_GROUP = 5; // IPVS_DAEMON_ATTR_MCAST_GROUP, in_addr (4 bytes)
  public static final int DAEMON_ATTR_MCAST_GROUP6 = 6; // IPVS_DAEMON_ATTR_MCAST_GROUP6, in6_addr (16 bytes)
  public static final int DAEMON_ATTR_MCAST_PORT = 7; // IPVS_DAEMON_ATTR_MCAST_PORT, u16 host order (ipvsadm and the kernel agree)
  public static final int DAEMON_ATTR_MCAST_TTL = 8; // IPVS_DAEMON_ATTR_MCAST_TTL, u8

  // enum IPVS_STATS_ATTR_*: u32 in STATS (bytes u64), u64 in STATS64
  public static final int STATS_ATTR_CONNS = 1; // IPVS_STATS_ATTR_CONNS
  public static final int STATS_ATTR_INPKTS = 2; // IPVS_STATS_ATTR_INPKTS
  public static final int STATS_ATTR_OUTPKTS = 3; // IPVS_STATS_ATTR_OUTPKTS
  public static final int STATS_ATTR_INBYTES = 4; // IPVS_STATS_ATTR_INBYTES, u64 in both
  public static final int STATS_ATTR_OUTBYTES = 5; // IPVS_STATS_ATTR_OUTBYTES, u64 in both
  public static final int STATS_ATTR_CPS = 6; // IPVS_STATS_ATTR_CPS
  public static final int STATS_ATTR_INPPS = 7; // IPVS_STATS_ATTR_INPPS
  public static final int STATS_ATTR_OUTPPS = 8; // IPVS_STATS_ATTR_OUTPPS
  public static final int STATS_ATTR_INBPS = 9; // IPVS_STATS_ATTR_INBPS
  public static final int STATS_ATTR_OUTBPS = 10; // IPVS_STATS_ATTR_OUTBPS

  // enum IPVS_INFO_ATTR_*
  public static final int INFO_ATTR_VERSION = 1; // IPVS_INFO_ATTR_VERSION, u32
  public static final int INFO_ATTR_CONN_TAB_SIZE = 2; // IPVS_INFO_ATTR_CONN_TAB_SIZE, u32

  // service flags (IP_VS_SVC_F_*)
  public static final int SVC_F_PERSISTENT = 0x0001; // IP_VS_SVC_F_PERSISTENT
  public static final int SVC_F_HASHED = 0x0002; // IP_VS_SVC_F_HASHED (kernel-internal)
  public static final int SVC_F_ONEPACKET = 0x0004; // IP_VS_SVC_F_ONEPACKET
  public static final int SVC_F_SCHED1 = 0x0008; // IP_VS_SVC_F_SCHED1
  public static final int SVC_F_SCHED2 = 0x0010; // IP_VS_SVC_F_SCHED2
  public static final int SVC_F_SCHED3 = 0x0020; // IP_VS_SVC_F_SCHED3

  public static final int CONN_F_FWD_MASK = 0x0007; // IP_VS_CONN_F_FWD_MASK

  /** {@code sizeof(union nf_inet_addr)}. */
  public static final int ADDR_LENGTH = 16;

  private IpvsGenl() {}

  /** The name of a service attribute type, for error messages. */
  public static String serviceAttributeName(int type) {
    switch (type) {
      case SVC_ATTR_AF: return "address family";
      case SVC_ATTR_PROTOCOL: return "protocol";
      case SVC_ATTR_ADDR: return "address";
      case SVC_ATTR_PORT: return "port";
      case SVC_ATTR_FWMARK: return "firewall mark";
      case SVC_ATTR_SCHED_NAME: return "scheduler";
      case SVC_ATTR_FLAGS: return "flags";
      case SVC_ATTR_TIMEOUT: return "persistence timeout";
      case SVC_ATTR_NETMASK: return "persistence netmask";
      case SVC_ATTR_PE_NAME: return "persistence engine";
      default: return "service attribute " + type;
    }
  }

  /** The name of a destination attribute type, for error messages. */
  public static String destinationAttributeName(int type) {
    switch (type) {
      case DEST_ATTR_ADDR: return "address";
      case DEST_ATTR_PORT: return "port";
      case DEST_ATTR_FWD_METHOD: return "forwarding method";
      case DEST_ATTR_WEIGHT: return "weight";
      case DEST_ATTR_U_THRESH: return "upper threshold";
      case DEST_ATTR_L_THRESH: return "lower threshold";
      case DEST_ATTR_ADDR_FAMILY: return "address family";
      case DEST_ATTR_TUN_TYPE: return "tunnel type";
      case DEST_ATTR_TUN_PORT: return "tunnel port";
      case DEST_ATTR_TUN_FLAGS: return "tunnel flags";
      default: return "destination attribute " + type;
    }
  }
}
