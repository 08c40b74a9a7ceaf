#!/usr/bin/env bash
# End to end on a real kernel, NAT and direct routing: run inside lab/kernel/run's VM as root (DirectorKernelLabIT does).
#
#   director-nat-e2e.sh REPO_ROOT OUT_DIR
#
# Network namespaces: a client (10.0.1.2), a director (10.0.1.1, VIP 10.0.1.100) and two real servers
# (10.0.2.2, 10.0.3.2) running python's http.server, joined by veth pairs; the real servers route back through
# the director, as IPVS NAT needs. They also hold the DR VIP 10.0.1.101 on lo (arp_ignore), so for that service
# the director only rewrites the MAC and they answer the client themselves, with the VIP as source (their replies
# still pass the director as plain routed packets: it has no other way back). The director is `bin/lbkit run`
# with a keepalived.conf: kernel IPVS over netlink, real HTTP_GET checks. The script checks that requests are balanced round-robin, then stops one real
# server and measures how long the client sees failures and when the server leaves the IPVS table. Results go
# to OUT_DIR/e2e-result.txt; the last line is "N passed, N failed".
set -uo pipefail
top=$1
out=$2
mkdir -p "$out"
pids=()
# shellcheck source=e2e-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for n in c d r1 r2; do ip netns del "lbkit-e2e-$n" 2>/dev/null; done
}
trap cleanup EXIT
ns() { local n=$1; shift; ip netns exec "lbkit-e2e-$n" "$@"; }
: >"$out/e2e-result.txt"
modprobe veth

for n in c d r1 r2; do
  ip netns add "lbkit-e2e-$n"
  ip -n "lbkit-e2e-$n" link set lo up
done
link() { # A B ADDR_A ADDR_B: a veth pair from namespace A to namespace B
  ip link add "$1-$2" type veth peer name "$2-$1"
  ip link set "$1-$2" netns "lbkit-e2e-$1"
  ip link set "$2-$1" netns "lbkit-e2e-$2"
  ip -n "lbkit-e2e-$1" addr add "$3" dev "$1-$2"
  ip -n "lbkit-e2e-$2" addr add "$4" dev "$2-$1"
  ip -n "lbkit-e2e-$1" link set "$1-$2" up
  ip -n "lbkit-e2e-$2" link set "$2-$1" up
}
link d c 10.0.1.1/24 10.0.1.2/24
link d r1 10.0.2.1/24 10.0.2.2/24
link d r2 10.0.3.1/24 10.0.3.2/24
ip -n lbkit-e2e-d addr add 10.0.1.100/32 dev d-c
ip -n lbkit-e2e-d addr add 10.0.1.101/32 dev d-c
ip -n lbkit-e2e-c route add default via 10.0.1.1
ip -n lbkit-e2e-r1 route add default via 10.0.2.1
ip -n lbkit-e2e-r2 route add default via 10.0.3.1
ns d sysctl -qw net.ipv4.ip_forward=1
# DR replies come back through the director with the VIP, one of its own addresses, as source: let them pass
for c in all default d-r1 d-r2; do
  ns d sysctl -qw "net.ipv4.conf.$c.accept_local=1" "net.ipv4.conf.$c.rp_filter=0"
done

declare -A server
for r in r1 r2; do
  mkdir -p "$out/www-$r"
  echo "$r" >"$out/www-$r/name"
  # direct routing: the real server accepts packets for the DR VIP itself (on lo) and does not answer ARP for it
  ip -n "lbkit-e2e-$r" addr add 10.0.1.101/32 dev lo
  ns "$r" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
  # ip netns exec execs the command, so $! is the server's own PID (a shell function would add a subshell)
  ip netns exec "lbkit-e2e-$r" python3 -m http.server 80 --bind 0.0.0.0 --directory "$out/www-$r" \
    >"$out/http-$r.log" 2>&1 &
  server[$r]=$!
  pids+=("$!")
done

service() { # VIP KIND: a virtual server with both real servers, HTTP_GET checked
  cat <<CONF
virtual_server $1 80 {
  delay_loop 1
  lb_algo rr
  lb_kind $2
  protocol TCP
CONF
  real_server 10.0.2.2
  real_server 10.0.3.2
  echo "}"
}
{ service 10.0.1.100 NAT; service 10.0.1.101 DR; } >"$out/e2e.conf"

mark "namespaces and real servers set up"
LBKIT_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" ip netns exec lbkit-e2e-d "$top/bin/lbkit" run \
  "$out/e2e.conf" --for 900 >"$out/director.log" 2>&1 &
director=$!
pids+=("$director")
t_start=$(now)
ok=1
while ! later "$(now)" "$t_start" 300; do
  if [[ $(ns d ipvsadm -Ln 2>/dev/null | grep -c -E '10\.0\.[23]\.2:80 +(Masq|Route) +1') == 4 ]]; then ok=0; break; fi
  kill -0 "$director" 2>/dev/null || break
  sleep 0.2
done
result "director installed the table after $(minus "$(now)" "$t_start") s"
ns d ipvsadm -Ln >"$out/ipvsadm-before.txt" 2>&1
check "the director installs TCP 10.0.1.100:80 (NAT) and 10.0.1.101:80 (DR) with both real servers in kernel IPVS" $ok

answers="$(asks lbkit-e2e-c http://10.0.1.100/name 20) "
r1=$(grep -o r1 <<<"$answers" | wc -l)
r2=$(grep -o r2 <<<"$answers" | wc -l)
result "20 requests before the failure: r1=$r1 r2=$r2 ($answers)"
# rr alternates exactly while both pass their checks; a check that times out under heavy emulation load may take
# one out for a moment, so ask for both to be well used rather than for an exact split
[[ $r1 -ge 5 && $r2 -ge 5 ]]
check "requests are balanced over both real servers (rr)" $?
answers="$(asks lbkit-e2e-c http://10.0.1.101/name 20) "
r1=$(grep -o r1 <<<"$answers" | wc -l)
r2=$(grep -o r2 <<<"$answers" | wc -l)
result "20 requests to the DR service: r1=$r1 r2=$r2 ($answers)"
[[ $r1 -ge 5 && $r2 -ge 5 ]]
check "direct routing: requests are balanced over both real servers, which answer the client themselves" $?

# The polling client of e2e-lib.sh (every 50 ms on a new connection), started before the failure so its
# own start-up (slow under emulation) does not hide anything; it runs until 50 requests have started more than 1 s
# after r1 left the table (at most 40 s in all).
client_start lbkit-e2e-c 10.0.1.100 40 "$out/client.log"
pids+=("$client")
for _ in $(seq 1 300); do [[ -f $out/client.log && $(wc -l <"$out/client.log") -ge 10 ]] && break; sleep 0.1; done

mark "client warmed up"
kill "${server[r1]}"
t_kill=$(now)
removed=""
while ! later "$(now)" "$t_kill" 30; do
  if [[ $(ns d ipvsadm -Ln | grep -c '10\.0\.2\.2:80') == 0 ]]; then removed=$(now); break; fi
  sleep 0.1
done
ns d ipvsadm -Ln >"$out/ipvsadm-after.txt" 2>&1
client_stop "$out/client.log" "$(awk -v r="${removed:-9e99}" 'BEGIN { printf "%.3f", r + 1 }')" 50 30
mark "client done"
if [[ -n $removed ]]; then
  result "r1 left the IPVS table $(minus "$removed" "$t_kill") s after it was stopped (delay_loop 1)"
else
  result "r1 never left the IPVS table"
fi
[[ -n $removed ]]
check "the stopped real server leaves the table" $?
client_outage "$t_kill" "$out/client.log"
after=$(awk -v r="${removed:-9e99}" '$1 > r + 1' "$out/client.log")
total_after=$(grep -c . <<<"$after")
r2_after=$(grep -c ' r2$' <<<"$after")
result "after the removal: $r2_after of $total_after requests answered by r2"
[[ $total_after -ge 5 && $r2_after == "$total_after" ]]
check "traffic continues on r2 alone once r1 is out" $?
answers="$(asks lbkit-e2e-c http://10.0.1.101/name 10) "
[[ $(grep -o r2 <<<"$answers" | wc -l) == 10 ]]
check "direct routing continues on r2 alone: $answers" $?

kill -TERM "$director"
wait "$director" 2>/dev/null
ns d ipvsadm -Ln >"$out/ipvsadm-stopped.txt" 2>&1
! grep -q '10\.0\.1\.10[01]:80' "$out/ipvsadm-stopped.txt"
check "stopping the director removes its services" $?
summary
