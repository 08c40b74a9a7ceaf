package dev.lbkit.examples;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@code lbkit ipvsadm}, grouped as ipvsadm groups them when it checks a command line: each group at
 * most once per line, and only with the commands that read it (ipvsadm.c's table of commands against options, here
 * in our own form). Without this check an option a command does not read would be dropped without a word: {@code -a
 * ... -p 300} would add a server and no persistence, {@code -A -t A -t B} would add B alone.
 */
enum IpvsadmOption {
  NUMERIC("numeric output"),
  CONNECTION("connection listing"),
  SERVICE("service"),
  IPV6("IPv6 firewall mark"),
  SCHEDULER("scheduler"),
  SCHED_FLAGS("scheduler flags"),
  PERSISTENT("persistence"),
  NETMASK("persistence netmask"),
  PE("persistence engine"),
  OPS("one-packet scheduling"),
  REAL_SERVER("real server"),
  FORWARD("forwarding method"),
  WEIGHT("weight"),
  U_THRESHOLD("upper threshold"),
  L_THRESHOLD("lower threshold"),
  TUN_TYPE("tunnel type"),
  TUN_PORT("tunnel port"),
  TUN_CHECKSUM("tunnel checksum"),
  EXACT("exact numbers"),
  COLUMNS("set of listing columns"),
  TIMEOUT("timeout listing"),
  DAEMON("daemon listing"),
  MCAST_INTERFACE("multicast interface"),
  SYNC_ID("sync id"),
  SYNC_MAXLEN("sync max length"),
  MCAST_GROUP("multicast group"),
  MCAST_PORT("multicast port"),
  MCAST_TTL("multicast ttl");

  /** What one of the group sets, for "a command takes one ..." messages. */
  final String what;

  IpvsadmOption(String what) {
    this.what = what;
  }

  private static final Set<IpvsadmOption> SERVICE_EDIT = EnumSet.of(SERVICE, IPV6, SCHEDULER, SCHED_FLAGS,
      PERSISTENT, NETMASK, PE, OPS);
  private static final Set<IpvsadmOption> SERVER_EDIT = EnumSet.of(SERVICE, IPV6, REAL_SERVER, FORWARD, WEIGHT,
      U_THRESHOLD, L_THRESHOLD, TUN_TYPE, TUN_PORT, TUN_CHECKSUM);
  private static final Set<IpvsadmOption> DAEMON_START = EnumSet.of(MCAST_INTERFACE, SYNC_ID, SYNC_MAXLEN,
      MCAST_GROUP, MCAST_PORT, MCAST_TTL);

  /** Per command, the options it reads; what is not here is refused with that command. */
  private static final Map<String, Set<IpvsadmOption>> ALLOWED = Map.ofEntries(
      Map.entry("-A", SERVICE_EDIT),
      Map.entry("-E", SERVICE_EDIT),
      Map.entry("-D", EnumSet.of(SERVICE, IPV6)),
      Map.entry("-a", SERVER_EDIT),
      Map.entry("-e", SERVER_EDIT),
      Map.entry("-d", EnumSet.of(SERVICE, IPV6, REAL_SERVER)),
      Map.entry("-L", EnumSet.of(NUMERIC, CONNECTION, SERVICE, IPV6, EXACT, COLUMNS, TIMEOUT, DAEMON)),
      Map.entry("-S", EnumSet.of(NUMERIC)),
      Map.entry("-Z", EnumSet.of(SERVICE, IPV6)),
      Map.entry("-C", EnumSet.noneOf(IpvsadmOption.class)),
      Map.entry("-R", EnumSet.noneOf(IpvsadmOption.class)),
      Map.entry("--set", EnumSet.noneOf(IpvsadmOption.class)),
      Map.entry("--start-daemon", DAEMON_START),
      Map.entry("--stop-daemon", EnumSet.of(SYNC_ID)));

  /** What -L lists: one of these at most (ipvsadm's exclusive '1' column). */
  static final Set<IpvsadmOption> LIST_SUBJECTS = EnumSet.of(CONNECTION, SERVICE, TIMEOUT, DAEMON);

  private static final Map<String, String> COMMAND_NAMES = Map.ofEntries(
      Map.entry("-A", "add-service"), Map.entry("-E", "edit-service"), Map.entry("-D", "delete-service"),
      Map.entry("-a", "add-server"), Map.entry("-e", "edit-server"), Map.entry("-d", "delete-server"),
      Map.entry("-L", "list"), Map.entry("-S", "save"), Map.entry("-Z", "zero"), Map.entry("-C", "clear"),
      Map.entry("-R", "restore"), Map.entry("--set", "set"), Map.entry("--start-daemon", "start-daemon"),
      Map.entry("--stop-daemon", "stop-daemon"));

  /** Whether {@code command} reads this option. */
  boolean appliesTo(String command) {
    return ALLOWED.getOrDefault(command, Set.of()).contains(this);
  }

  /** A command as ipvsadm names it: {@code -a (add-server)}. */
  static String describe(String command) {
    String name = COMMAND_NAMES.get(command);
    return name == null || command.startsWith("--") ? command : command + " (" + name + ")";
  }
}
