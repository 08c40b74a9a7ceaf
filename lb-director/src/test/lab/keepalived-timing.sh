#!/usr/bin/env bash
# Runs inside the kernel lab VM (lab/kernel/run, which has IPVS): real keepalived's TCP_CHECKs connect to a listener
# on loopback that records, per port, when each connection came (seconds on one monotonic clock). Used by
# KeepalivedCheckerTimingLabIT, which runs lbkit on the host with the same keepalived.conf and the same listener, and
# compares when each side checks: each checker on its own delay_loop, and the default warmup (a random first delay
# up to the delay loop) against warmup 0.
#   $1: a directory holding keepalived.conf;  $2: the ports to listen on (comma-separated);  $3: seconds to run
set -eu
# shellcheck source=../../../../lab/kernel/keepalived-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/keepalived-lib.sh"
dir=$1
ports=$2
seconds=$3
cd "$dir"
ip link set lo up
python3 - "$ports" "$dir/connections.log" <<'PY' &
import socket, sys, threading, time
ports = [int(p) for p in sys.argv[1].split(",")]
out = open(sys.argv[2], "a", buffering=1)
lock = threading.Lock()
def serve(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    while True:
        c, _ = s.accept()
        with lock:
            out.write("%d %.3f\n" % (port, time.monotonic()))
        c.close()
for p in ports:
    threading.Thread(target=serve, args=(p,), daemon=True).start()
with lock:
    out.write("start %.3f\n" % time.monotonic())
while True:
    time.sleep(3600)
PY
listener=$!
sleep 2
lab_keepalived "$dir"
sleep "$seconds"
lab_section connections cat "$dir/connections.log"
lab_stop "$keepalived" "$listener"
