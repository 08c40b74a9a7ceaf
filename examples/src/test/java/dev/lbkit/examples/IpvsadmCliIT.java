package dev.lbkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code lbkit ipvsadm} against the real ipvsadm on the kernel lab's IPVS (lab/kernel/run): for the same table,
 * {@code -L -n} and {@code -S -n} are byte-identical; rules restored by lbkit read back through ipvsadm; the other
 * commands change the kernel table as ipvsadm sees it. One VM boot; each check is a diff in the script.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other kernel-lab IT, each VM on a core of its own (pom.xml)
final class IpvsadmCliIT {
  // a varied table, with addresses that trip ipvsadm's signed comparisons; every tunnel type and checksum option,
  // an IPv6 tunnel under an IPv4 service, persistence netmasks and prefixes on address and mark services
  static final String RULES = String.join("\n",
      "-A -t 192.0.2.10:80 -s wrr",
      "-a -t 192.0.2.10:80 -r 192.168.1.1:80 -i -w 1 --tun-type gre --tun-nocsum",
      "-a -t 192.0.2.10:80 -r 203.0.113.9:80 -g -w 0",
      "-a -t 192.0.2.10:80 -r 10.0.0.2:8080 -m -w 3",
      "-a -t 192.0.2.10:80 -r 10.0.0.3:80 -i -w 65535 --tun-type ipip",
      "-a -t 192.0.2.10:80 -r 172.16.0.1:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
      "-a -t 192.0.2.10:80 -r 172.16.0.2:80 -i -w 2 --tun-type gue --tun-port 5555 --tun-remcsum",
      "-a -t 192.0.2.10:80 -r [2001:db8::77]:80 -i -w 1 --tun-type ipip",
      "-A -t 200.1.1.1:80 -s wlc",
      "-A -t 10.9.9.9:443 -s sh -p 600 -M 255.255.255.0 -b sh-fallback,sh-port",
      "-a -t 10.9.9.9:443 -r 10.0.1.1:443 -g -w 1",
      "-A -u 192.0.2.20:5060 -s rr -p 60 --pe sip",
      "-A --sctp-service 198.51.100.1:3868 -s mh -b mh-fallback",
      "-A -u [2001:db8::10]:53 -s rr -o",
      "-a -u [2001:db8::10]:53 -r [2001:db8::53]:53 -m -w 7",
      "-a -u [2001:db8::10]:53 -r [2001:db8::54]:53 -m -w 1",
      "-A -f 42 -s wlc -b flag-3",
      "-A -f 43 -6 -s lblcr -p 120 -M 64",
      "-a -f 43 -6 -r [2001:db8::99]:0 -g -w 1",
      "-a -f 43 -6 -r [2001:db8::98]:0 -i -w 2 --tun-type gue --tun-port 6081",
      "-A -f 44 -s rr -p 300 -M 255.255.0.0",
      "-a -f 44 -r 10.0.2.1:0 -i -w 1 --tun-type gre --tun-nocsum",
      "-A -t [2001:db8::1]:443 -s wrr -p 300 -M 64",
      "-a -t [2001:db8::1]:443 -r [2001:db8::2]:443 -i -w 1 --tun-type gue --tun-port 6081 --tun-csum",
      "-a -t [2001:db8::1]:443 -r [2001:db8::3]:443 -i -w 1 --tun-type gre") + "\n";

  @Test
  void lbkitIpvsadmMatchesTheRealIpvsadm() throws Exception {
    Path module = KernelLab.module();
    Path dir = module.resolve("target/ipvsadm-cli-it");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("rules"), RULES, StandardCharsets.UTF_8);
    // the packaged CLI as users run it (bin/lbkit: the jar, its CDS archive and start-up options), which also
    // starts in about half the time of a plain class-path JVM in the emulated lab: the script starts it 17 times
    assertTrue(Files.isRegularFile(module.resolve("target/lbkit.jar")), "package the CLI first (mvn verify does)");
    String script = String.join("\n",
        "set -eu",
        "cd '" + dir + "'",
        "lbkit() { '" + KernelLab.root().resolve("bin/lbkit") + "' ipvsadm \"$@\"; }",
        // each check line says when it finished (seconds since the script started): where the run spends its time
        "t0=$(date +%s.%N); at() { awk -v a=\"$(date +%s.%N)\" -v b=\"$t0\" 'BEGIN { printf \"+%.1f s\", a - b }'; }",
        "check() { if diff -u \"$1\" \"$2\"; then echo \"[cli] same: $3 ($(at))\"; else echo \"[cli] DIFFERENT: $3\";"
            + " exit 1; fi; }",
        "ipvsadm -C; ipvsadm -R < rules",
        "ipvsadm -Sn > real.S; lbkit -Sn > lbkit.S; check real.S lbkit.S 'ipvsadm -R, then -Sn'",
        "ipvsadm -Ln > real.L; lbkit -Ln > lbkit.L; check real.L lbkit.L 'ipvsadm -R, then -Ln'",
        "ipvsadm -L -n --stats --exact > real.stats; lbkit -L -n --stats --exact > lbkit.stats;"
            + " check real.stats lbkit.stats '-Ln --stats --exact'",
        "ipvsadm -Ln -t 192.0.2.10:80 > real.one; lbkit -Ln -t 192.0.2.10:80 > lbkit.one;"
            + " check real.one lbkit.one '-Ln -t SERVICE'",
        "ipvsadm -C; lbkit -R < rules",
        "ipvsadm -Sn > real.S2; check real.S real.S2 'lbkit ipvsadm -R, then the real -Sn'",
        // the kernel refuses a sync daemon while a destination's family differs from its service's (EINVAL)
        "if ipvsadm --start-daemon master --mcast-interface lo --syncid 5 2>/dev/null ||"
            + " lbkit --start-daemon master --mcast-interface lo --syncid 5 2>mixed.err; then"
            + " echo '[cli] DIFFERENT: a sync daemon started beside a mixed-family destination'; exit 1; fi;"
            + " grep EINVAL mixed.err || { echo '[cli] DIFFERENT: not refused with EINVAL'; exit 1; }",
        "lbkit -E -t 200.1.1.1:80 -s rr -p 30",
        "printf -- '-e -t 192.0.2.10:80 -r 10.0.0.2:8080 -m -w 9 -x 50 -y 5\\n-d -t 192.0.2.10:80 -r 203.0.113.9:80\\n"
            + "-D -u 192.0.2.20:5060\\n-d -t 192.0.2.10:80 -r [2001:db8::77]:80\\n' | lbkit -R",
        "lbkit -Z; lbkit --set 1000 0 200",
        "ipvsadm -Sn > real.S3; lbkit -Sn > lbkit.S3; check real.S3 lbkit.S3 '-E -e -d -D, then -Sn'",
        "grep -q -- '-A -t 200.1.1.1:80 -s rr -p 30' real.S3 && grep -q -- '-r 10.0.0.2:8080 -m -w 9' real.S3"
            + " && ! grep -q 203.0.113.9 real.S3 && ! grep -q 5060 real.S3 && ! grep -q 2001:db8::77 real.S3"
            + " && echo '[cli] edits applied'",
        "ipvsadm -Ln --thresholds > real.T; lbkit -Ln --thresholds > lbkit.T; check real.T lbkit.T '--thresholds'",
        "ipvsadm -L --timeout > real.t; lbkit -L --timeout > lbkit.t; check real.t lbkit.t '--timeout'",
        "ipvsadm -l -n --rate > real.r; lbkit -l -n --rate > lbkit.r; check real.r lbkit.r '-l -n --rate'",
        // refusals exit as ipvsadm's do (255 for a change, 1 for a listing); the messages are lbkit's own
        "for c in '-A -t 200.1.1.1:80 -s rr' '-d -t 192.0.2.10:80 -r 10.99.0.1:80' '-Ln -t 10.99.9.9:80'; do"
            + " r=$(ipvsadm $c >/dev/null 2>&1; echo $?); l=$(lbkit $c >/dev/null 2>&1; echo $?);"
            + " [ \"$r\" = \"$l\" ] || { echo \"[cli] DIFFERENT exit status of $c: ipvsadm $r, lbkit $l\"; exit 1; };"
            + " [ \"$r\" != 0 ] || { echo \"[cli] not refused: $c\"; exit 1; };"
            + " echo \"[cli] same exit status $r: $c ($(at))\"; done",
        "lbkit --start-daemon master --mcast-interface lo --syncid 5",
        "ipvsadm -L --daemon > real.d; lbkit -L --daemon > lbkit.d; check real.d lbkit.d '--daemon'",
        "lbkit --stop-daemon master; test -z \"$(ipvsadm -L --daemon)\" && echo '[cli] daemon stopped'",
        "lbkit -C; test \"$(ipvsadm -Sn)\" = '' && echo '[cli] cleared'",
        "echo '[cli] all same'");
    Files.writeString(dir.resolve("check.sh"), script + "\n", StandardCharsets.UTF_8);
    Path log = module.resolve("target/ipvsadm-cli-it.log");
    KernelLab.Run run = KernelLab.run(log, 900, "sh", "-c",
        "ip netns add lbkit-cli && ip -n lbkit-cli link set lo up && exec ip netns exec lbkit-cli bash"
            + " '" + dir.resolve("check.sh") + "'");
    String output = run.output();
    System.out.println(output);
    assertTrue(run.done(), "the lab did not finish in time; see " + log);
    assertEquals(0, run.exitValue(), "lbkit ipvsadm differs from ipvsadm in the lab:\n" + output);
    assertTrue(output.contains("[cli] all same"), output);
  }
}
