#!/usr/bin/env bash
# Failover end to end on a real kernel: run inside lab/kernel/run's VM as root (DirectorKernelLabIT does).
#
#   director-vrrp-e2e.sh REPO_ROOT OUT_DIR
#
# The RHEL 7 "basic keepalived configuration" as a lab: two directors (lbkit, `bin/lbkit run` with real VRRP,
# kernel IPVS NAT and HTTP_GET checks) share a sync group of two VRRP instances: RH_EXT holds the VIP 10.0.1.100
# on the client segment, RH_INT the real servers' gateway 10.0.2.1 on the server segment. Each segment is a Linux
# bridge in a namespace of its own; the client, both directors and both real servers are namespaces joined to
# them by veth pairs. A client asks every 50 ms on a new connection. The script reloads the master with SIGHUP
# (a new priority: nothing may move), then kills it (the process with SIGKILL and its links down, as a dead host)
# and measures how long the client sees failures until the backup has taken both VIPs and answers. Results go to
# OUT_DIR/e2e-result.txt; last line "N passed, N failed".
# Then the same file with auth_type AH (keepalived's IPsec-AH mode) between `lbkit run` and a real keepalived
# (VRRP only, keepalived --vrrp): both elect the same Master either way round, and each takes over both VIPs when the
# other crashes.
set -uo pipefail
top=$1
out=$2
mkdir -p "$out"
pids=()
# shellcheck source=e2e-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for n in sw c d1 d2 r1 r2; do ip netns del "lbkit-v-$n" 2>/dev/null; done
}
trap cleanup EXIT
ns() { local n=$1; shift; ip netns exec "lbkit-v-$n" "$@"; }
: >"$out/e2e-result.txt"
modprobe veth
modprobe bridge

for n in sw c d1 d2 r1 r2; do
  ip netns add "lbkit-v-$n"
  ip -n "lbkit-v-$n" link set lo up
done
ip -n lbkit-v-sw link add br-ext type bridge
ip -n lbkit-v-sw link add br-int type bridge
ip -n lbkit-v-sw link set br-ext up
ip -n lbkit-v-sw link set br-int up
port() { # NODE IFNAME BRIDGE ADDR: a veth from the node (named IFNAME there) to a bridge port
  local peer="$1-$2"
  ip link add "tmp-$peer" type veth peer name "$peer"
  ip link set "tmp-$peer" netns "lbkit-v-$1"
  ip -n "lbkit-v-$1" link set "tmp-$peer" name "$2"
  ip link set "$peer" netns lbkit-v-sw
  ip -n lbkit-v-sw link set "$peer" master "$3" up
  ip -n "lbkit-v-$1" addr add "$4" dev "$2"
  ip -n "lbkit-v-$1" link set "$2" up
}
port c eth0 br-ext 10.0.1.2/24
port d1 ext br-ext 10.0.1.11/24
port d2 ext br-ext 10.0.1.12/24
port d1 int br-int 10.0.2.11/24
port d2 int br-int 10.0.2.12/24
port r1 eth0 br-int 10.0.2.21/24
port r2 eth0 br-int 10.0.2.22/24
ip -n lbkit-v-r1 route add default via 10.0.2.1
ip -n lbkit-v-r2 route add default via 10.0.2.1
for d in d1 d2; do ns "$d" sysctl -qw net.ipv4.ip_forward=1; done

declare -A server
for r in r1 r2; do
  mkdir -p "$out/www-$r"
  echo "$r" >"$out/www-$r/name"
  addr=$([[ $r == r1 ]] && echo 10.0.2.21 || echo 10.0.2.22)
  ip netns exec "lbkit-v-$r" python3 -m http.server 80 --bind "$addr" --directory "$out/www-$r" \
    >"$out/http-$r.log" 2>&1 &
  server[$r]=$!
  pids+=("$!")
done

conf() { # STATE PRIORITY [AUTH_TYPE, default PASS]
  cat <<CONF
vrrp_sync_group VG1 {
  group {
    RH_EXT
    RH_INT
  }
}
vrrp_instance RH_EXT {
  state $1
  interface ext
  virtual_router_id 50
  priority $2
  advert_int 1
  authentication {
    auth_type ${3:-PASS}
    auth_pass passw123
  }
  virtual_ipaddress {
    10.0.1.100/24
  }
}
vrrp_instance RH_INT {
  state $1
  interface int
  virtual_router_id 2
  priority $2
  advert_int 1
  authentication {
    auth_type ${3:-PASS}
    auth_pass passw123
  }
  virtual_ipaddress {
    10.0.2.1/24
  }
}
virtual_server 10.0.1.100 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
$(real_server 10.0.2.21)
$(real_server 10.0.2.22)
}
CONF
}
conf MASTER 150 >"$out/d1.conf"
conf BACKUP 100 >"$out/d2.conf"

mark "namespaces and real servers set up"
declare -A director
for d in d1 d2; do
  LBKIT_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" ip netns exec "lbkit-v-$d" "$top/bin/lbkit" run \
    "$out/$d.conf" --for 900 >"$out/$d.log" 2>&1 &
  director[$d]=$!
  pids+=("$!")
done
t_start=$(now)
holds() { ip -n "lbkit-v-$1" -4 addr show dev "$2" | grep -q "inet $3/"; }
ok=1
while ! later "$(now)" "$t_start" 240; do
  if holds d1 ext 10.0.1.100 && holds d1 int 10.0.2.1 \
      && [[ $(ns d1 ipvsadm -Ln 2>/dev/null | grep -c -E '10\.0\.2\.2[12]:80 +Masq +1') == 2 ]]; then ok=0; break; fi
  sleep 0.2
done
result "d1 became master with both VIPs and its table $(minus "$(now)" "$t_start") s after start"
holds d2 ext 10.0.1.100
d2_holds=$?
[[ $ok == 0 && $d2_holds != 0 ]]
check "the higher-priority director (d1) is master of the sync group and holds the VIPs; d2 does not" $?

client_start lbkit-v-c 10.0.1.100 90 "$out/client.log"
pids+=("$client")
for _ in $(seq 1 900); do [[ -f $out/client.log && $(grep -vc " error$" "$out/client.log") -ge 20 ]] && break; sleep 0.1; done
mark "client warmed up"
r1=$(grep -v ' error$' "$out/client.log" | head -20 | grep -c ' r1$')
r2=$(grep -v ' error$' "$out/client.log" | head -20 | grep -c ' r2$')
result "first 20 answers through d1: r1=$r1 r2=$r2 ($(head -20 "$out/client.log" | grep -c ' error$') errors among the first 20 requests)"
[[ $r1 -ge 5 && $r2 -ge 5 ]]
check "requests are balanced over both real servers" $?

# A live reload of the master, as keepalived's SIGHUP: a new priority changes both VRRP instances, which must keep
# their state: the VIPs stay on d1, d2 does not take over, no VRRP transition, and the client sees nothing.
conf MASTER 160 >"$out/d1.conf"
t_reload=$(now)
kill -HUP "${director[d1]}"
reloaded=1
while ! later "$(now)" "$t_reload" 60; do
  if grep -q 'applied; VRRP kept \[\], changed \[RH_EXT, RH_INT\]' "$out/d1.log"; then reloaded=0; break; fi
  sleep 0.2
done
result "d1 applied the reloaded file $(minus "$(now)" "$t_reload") s after SIGHUP"
sleep 5 # five advertisement intervals: time for a flap to show
transitions=$(sed -n '/applied; VRRP kept/,$p' "$out/d1.log" | grep -c 'VRRP RH_[A-Z]* (vrid')
failed_during=$(awk -v k="$t_reload" '$1 >= k && $3 == "error"' "$out/client.log" | wc -l)
result "after the reload: $transitions VRRP transitions on d1, $failed_during failed requests"
holds d1 ext 10.0.1.100 && holds d1 int 10.0.2.1 && ! holds d2 ext 10.0.1.100
[[ $? == 0 && $reloaded == 0 && $transitions == 0 && $failed_during == 0 ]]
check "SIGHUP reloads d1 live: both instances changed, still Master with both VIPs, no transition, no failed request" $?

# the master dies: its process at once, its links with it
kill -9 "${director[d1]}"
ip -n lbkit-v-d1 link set ext down
ip -n lbkit-v-d1 link set int down
t_kill=$(now)
taken=""
while ! later "$(now)" "$t_kill" 60; do
  if holds d2 ext 10.0.1.100 && holds d2 int 10.0.2.1; then taken=$(now); break; fi
  sleep 0.1
done
if [[ -n $taken ]]; then
  result "d2 held both VIPs $(minus "$taken" "$t_kill") s after d1 died (advert_int 1: master down interval about 3.6 s)"
fi
[[ -n $taken ]]
check "the backup (d2) takes over both VIPs" $?
# the client goes on until 60 requests have started after the takeover (the last 20 of them are checked below)
client_stop "$out/client.log" "${taken:-$t_kill}" 60 60
mark "client done"
client_outage "$t_kill" "$out/client.log"
tail_answers=$(tail -20 "$out/client.log")
[[ $(grep -c ' r[12]$' <<<"$tail_answers") == 20 ]]
check "traffic resumes through d2: the last 20 requests are all answered" $?
ns d2 ipvsadm -Ln >"$out/ipvsadm-d2.txt" 2>&1

kill -TERM "${director[d2]}"
wait "${director[d2]}" 2>/dev/null
holds d2 ext 10.0.1.100
[[ $? != 0 ]]
check "stopping d2 gracefully releases the VIP" $?

# keepalived's IPsec-AH mode: the same sync group with auth_type AH, a real keepalived on d1 and `lbkit run` on d2
# await SECONDS CMD...: polls CMD every 0.1 s until it succeeds (status 0) or SECONDS passed (status 1)
await() {
  local t0 secs=$1; shift; t0=$(now)
  until "$@"; do later "$(now)" "$t0" "$secs" && return 1; sleep 0.1; done
}
both() { holds "$1" ext 10.0.1.100 && holds "$1" int 10.0.2.1; }
neither() { ! holds "$1" ext 10.0.1.100 && ! holds "$1" int 10.0.2.1; }
# transitions LOG TO: how many VRRP transitions to TO lbkit run printed ("VRRP RH_EXT (vrid 50): A -> TO (...)")
transitions() { grep -c "VRRP RH_[A-Z]* (vrid [0-9]*): [A-Z]* -> $2 " "$1"; }
# dead NODE: a dead host: its links down and its VIPs gone (a killed process leaves them configured)
dead() {
  ip -n "lbkit-v-$1" link set ext down
  ip -n "lbkit-v-$1" link set int down
  ip -n "lbkit-v-$1" addr del 10.0.1.100/24 dev ext 2>/dev/null
  ip -n "lbkit-v-$1" addr del 10.0.2.1/24 dev int 2>/dev/null
}
alive() { ip -n "lbkit-v-$1" link set ext up && ip -n "lbkit-v-$1" link set int up; }
keepalived_start() { # PRIORITY: keepalived (VRRP only) on d1, leading its own process group
  conf BACKUP "$1" AH >"$out/d1-ah.conf"
  ip netns exec lbkit-v-d1 setsid keepalived --vrrp --dont-fork --log-console --log-detail --no-syslog \
    -f "$out/d1-ah.conf" -p "$out/keepalived.pid" -r "$out/keepalived-vrrp.pid" </dev/null \
    >"$out/keepalived-$1.log" 2>&1 &
  keepalived=$!
  pids+=("$!")
}
mark "PASS part done"
dead d1 # d1's lbkit run was killed above and left its VIPs
alive d1
keepalived_start 150
conf BACKUP 100 AH >"$out/d2-ah.conf"
LBKIT_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" ip netns exec lbkit-v-d2 "$top/bin/lbkit" run \
  "$out/d2-ah.conf" --for 600 >"$out/d2-ah.log" 2>&1 &
director[d2ah]=$!
pids+=("$!")
t_start=$(now)
await 240 eval '[[ $(transitions "$out/d2-ah.log" BACKUP) == 2 ]]' && await 30 both d1
ok=$?
sleep 5 # past lbkit's Master_Down_Interval (3.6 s): lbkit must have heard keepalived's AH adverts all along
result "AH: keepalived (d1, 150) Master, lbkit run (d2, 100) Backup of both $(minus "$(now)" "$t_start") s after start"
[[ $ok == 0 ]] && both d1 && neither d2 && [[ $(transitions "$out/d2-ah.log" MASTER) == 0 ]] \
  && ! grep -q IPSEC "$out/keepalived-150.log"
check "AH: lbkit run and keepalived elect the same Master (keepalived, 150); lbkit run stays Backup" $?

# keepalived crashes (its process group with SIGKILL, its links down, as a dead host)
kill -9 -- "-$keepalived"
dead d1
t_kill=$(now)
await 30 both d2
ok=$?
result "AH: lbkit run (d2) held both VIPs $(minus "$(now)" "$t_kill") s after keepalived died"
[[ $ok == 0 && $(transitions "$out/d2-ah.log" MASTER) == 2 ]]
check "AH: keepalived crashes, lbkit run takes over both VIPs" $?

# keepalived back with a lower priority (50): it hears lbkit's AH adverts (100) and stays Backup
alive d1
keepalived_start 50
sleep 6 # past keepalived's Master_Down_Interval (3.8 s)
both d2 && neither d1 && grep -q "Entering BACKUP STATE" "$out/keepalived-50.log" \
  && ! grep -q "Entering MASTER STATE" "$out/keepalived-50.log"
check "AH: keepalived (50) accepts lbkit run's adverts (100): lbkit stays Master, keepalived Backup" $?

# lbkit run crashes (SIGKILL, links down): keepalived takes over both VIPs
kill -9 "${director[d2ah]}"
dead d2
t_kill=$(now)
await 30 both d1
ok=$?
result "AH: keepalived (d1) held both VIPs $(minus "$(now)" "$t_kill") s after lbkit run died"
[[ $ok == 0 ]] && grep -q "Entering MASTER STATE" "$out/keepalived-50.log"
check "AH: lbkit run crashes, keepalived takes over both VIPs" $?
kill -9 -- "-$keepalived"
summary
