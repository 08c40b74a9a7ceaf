package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Real keepalived (VRRP only, no IPVS needed) for about 6 s in a network and mount namespace of its own, with a veth
 * pair v0/v1 (v0 198.51.100.1/24, for a {@code vrrp_instance} on {@code interface v0}), and the recording scripts
 * the tests hand it: each appends a line to one log that every user may write. Needs root, unshare and keepalived
 * (.ci/install). Used by {@link KeepalivedScriptSecurityIT}, {@link KeepalivedScriptUsersIT} and
 * {@link KeepalivedNotifyOverlapIT}.
 */
final class NetnsKeepalived {
  /**
   * The opening of a {@code vrrp_instance VI_1} on v0, in BACKUP at the start, with its virtual address; the caller
   * adds its own lines and the closing brace.
   */
  static final String VI_1_OPENING = """
      vrrp_instance VI_1 {
        state BACKUP
        interface v0
        virtual_router_id 51
        priority 100
        advert_int 1
        virtual_ipaddress {
          192.0.2.1/24
        }
      """;

  private final Path dir;
  private final Path log;

  /**
   * Prepares {@code dir} for scripts run as other users: the directory readable by all, and an empty recording log
   * {@code rec.log} anyone may append to.
   */
  NetnsKeepalived(Path dir) throws Exception {
    this.dir = dir;
    this.log = dir.resolve("rec.log");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    clearRecord();
  }

  /** The recording log the scripts append to. */
  Path log() {
    return log;
  }

  /** Writes {@code dir/NAME} as a shell script that appends {@code echo}'s words to the log, with {@code perms}. */
  Path recordingScript(String name, String echo, String perms) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\necho \"" + echo + "\" >> '" + log + "'\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    return p;
  }

  /** Empties the recording log (and makes it writable by every user). */
  void clearRecord() throws Exception {
    Files.writeString(log, "");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  /** The distinct lines recorded so far, sorted. */
  TreeSet<String> recorded() throws Exception {
    return new TreeSet<>(Files.readAllLines(log));
  }

  /** keepalived's own output of the last run. */
  String keepalivedLog() throws Exception {
    return Files.readString(dir.resolve("keepalived.log"));
  }

  /**
   * Runs keepalived on {@code conf} for 6 s in fresh namespaces, after the shell commands {@code setup} (run there
   * first, e.g. a bind mount over /etc/passwd); returns what the scripts recorded. Fails the test when the
   * namespace's setup fails or it does not end within 30 s.
   */
  TreeSet<String> run(Path conf, String... setup) throws Exception {
    List<String> steps = new ArrayList<>(List.of(setup));
    steps.addAll(List.of(
        "ip link add v0 type veth peer name v1", "ip link set v0 up", "ip link set v1 up", "ip link set lo up",
        "ip addr add 198.51.100.1/24 dev v0",
        "timeout 6 keepalived -n -l -P -f " + conf + " -p " + dir.resolve("k.pid") + " -r " + dir.resolve("v.pid")
            + " > " + dir.resolve("keepalived.log") + " 2>&1; true"));
    Process p = new ProcessBuilder("unshare", "-n", "-m", "--propagation", "private", "sh", "-c",
        String.join(" && ", steps)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keepalived did not stop");
    assertEquals(0, p.exitValue(), out);
    return recorded();
  }
}
