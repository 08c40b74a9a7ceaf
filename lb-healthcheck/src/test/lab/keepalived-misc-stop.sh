#!/usr/bin/env bash
# Runs inside the kernel lab VM (lab/kernel/run, which has IPVS): real keepalived's checker runs two MISC_CHECK
# programs that never end by themselves (cleanup.sh cleans up and exits on SIGTERM, ignore.sh ignores it), then gets
# SIGTERM; prints what each program recorded and whether ignore.sh is still running three seconds after keepalived
# exited, between markers. The directory given as $1 holds keepalived.conf and the programs. Used by
# KeepalivedMiscStopLabIT, which compares it with lbkit's HealthChecker.close().
set -eu
# shellcheck source=../../../../lab/kernel/keepalived-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/keepalived-lib.sh"
dir=$1
cd "$dir"
rm -f k-cleanup k-cleanup.pid k-ignore k-ignore.pid
ip link set lo up
lab_keepalived "$dir" --log-detail
started() { grep -qs started k-cleanup && grep -qs started k-ignore; }
for _ in $(seq 1 600); do started && break; sleep 0.2; done
started || { echo "the MISC_CHECK programs never started"; cat keepalived.log; exit 1; }
sleep 1
kill -TERM "$keepalived"
wait "$keepalived" || true
# long past keepalived's second: a SIGKILL from it would have come by now
sleep 3
pid=$(cat k-ignore.pid)
alive=no
if [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ]; then alive=yes; fi
# cleanup.sh runs slowly under emulation: give its clean-up time to finish
for _ in $(seq 1 100); do grep -qs cleaned k-cleanup && break; sleep 0.2; done
lab_section "after stop" sh -c "echo \"cleanup.sh: \$(tr '\n' ' ' < k-cleanup)\"; \
  echo \"ignore.sh: \$(tr '\n' ' ' < k-ignore)\"; echo \"ignore.sh running 3 s after keepalived exited: $alive\""
lab_section "keepalived.log" cat keepalived.log
# the program keepalived left behind, by the PID it wrote
if [ "$alive" = yes ]; then kill -KILL "$pid"; fi
