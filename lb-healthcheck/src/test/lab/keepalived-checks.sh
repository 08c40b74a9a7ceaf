#!/usr/bin/env bash
# Runs inside the kernel lab VM (lab/kernel/run, which has IPVS): real keepalived's health checkers judge a set of
# UDP and MISC_CHECK real servers; prints the resulting IPVS table (ipvsadm -Ln) between markers. The directory
# given as $1 holds keepalived.conf and the scripts the configuration names. Used by KeepalivedChecksLabIT, which
# compares the table with lbkit's verdicts for the same servers.
set -eu
dir=$1
cd "$dir"
ip link set lo up
# UDP servers: 5301 silent, 5303 answers "PONG " + request; 5302 is closed (ICMP port unreachable)
python3 - <<'PY' &
import socket, threading
def serve(port, answer):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        data, peer = s.recvfrom(2048)
        if answer:
            s.sendto(b"PONG " + data, peer)
threading.Thread(target=serve, args=(5301, False), daemon=True).start()
serve(5303, True)
PY
servers=$!
sleep 2
keepalived --dont-fork --check --log-console --log-detail --use-file "$dir/keepalived.conf" \
  --pid "$dir/k.pid" --checkers_pid "$dir/kc.pid" > "$dir/keepalived.log" 2>&1 &
ka=$!
# keepalived starts every real server up; failing ones leave after a check and a retry (about 3 s at full speed,
# several times that under emulation): take the table once it has stopped changing
prev=""
for i in $(seq 1 40); do
  sleep 3
  now=$(ipvsadm -Ln)
  if [ "$now" = "$prev" ] && [ "$i" -ge 5 ]; then break; fi
  prev=$now
done
echo "=== ipvsadm -Ln ==="
ipvsadm -Ln
echo "=== end ==="
kill "$ka" "$servers" 2>/dev/null || true
wait 2>/dev/null || true
