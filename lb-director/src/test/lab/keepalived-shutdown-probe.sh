#!/usr/bin/env bash
# A manual probe, not run by any test: how keepalived 2.2.7's checker runs its omega shutdown hooks, watched under
# strace inside the kernel lab VM (its checker needs IPVS). NotifyRunner's shutdown rule was taken from its output
# (27 Nov 2026): every hook is forked at once, each in a process group of its own; a hook still running at its
# one-second child timer gets kill(-pgid, SIGKILL); the checker reaps them, then exits, and a hook it did not get
# to kill gets SIGTERM from PR_SET_PDEATHSIG (si_pid = the checker) as the checker exits.
#   flock /work/notes/heavy.lock lab/kernel/run --timeout 400 -- bash lb-director/src/test/lab/keepalived-shutdown-probe.sh
# Two runs: "plain" (TCP_CHECKs only) and "misc" (a MISC_CHECK program running at the stop, which the checker sends
# SIGTERM first). Each prints the hooks' own notes (uptime seconds), keepalived's log tail and the strace lines.
set -u
out=$(mktemp -d /tmp/shutdown-probe.XXXXXX)
hooks=$out/hooks.log
cat >"$out/hook-term.sh" <<HOOK
#!/bin/sh
# notes its start, a SIGTERM (then exits) or its end after 3 s
up() { read -r u _ </proc/uptime; echo "\$u"; }
echo "start \$1 \$(up) pid \$\$" >>$hooks
trap 'echo "term \$1 \$(up)" >>$hooks; exit 0' TERM
sleep 3 &
wait \$!
echo "end \$1 \$(up)" >>$hooks
HOOK
cat >"$out/hook-ignore.sh" <<HOOK
#!/bin/sh
# ignores SIGTERM; notes its start and its end after 3 s
trap '' TERM
read -r u _ </proc/uptime
echo "start \$1 \$u pid \$\$" >>$hooks
sleep 3
read -r u _ </proc/uptime
echo "end \$1 \$u" >>$hooks
HOOK
cat >"$out/misc-sleep.sh" <<HOOK
#!/bin/sh
read -r u _ </proc/uptime
echo "misc-start \$u" >>$hooks
trap 'read -r u _ </proc/uptime; echo "misc-term \$u" >>$hooks' TERM
sleep 30 &
wait \$!
sleep 30
HOOK
chmod +x "$out"/*.sh
ip link set lo up
python3 - <<'PY' &
import socket, threading, time
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(64)
    while True:
        c, _ = s.accept(); c.close()
for p in (8001, 8002, 8003, 8004):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
time.sleep(3600)
PY
servers=$!
sleep 1
for mode in plain misc; do
  d=$out/$mode
  mkdir -p "$d"
  : >"$hooks"
  {
    echo "global_defs { script_user root }"
    echo "virtual_server 127.0.0.1 80 {"
    echo "  delay_loop 1"; echo "  lb_algo rr"; echo "  lb_kind NAT"; echo "  protocol TCP"; echo "  omega"
    echo "  quorum_down \"$out/hook-term.sh quorum-down\""
    for i in 1 2 3; do
      h=hook-term.sh; [ $i = 3 ] && h=hook-ignore.sh
      echo "  real_server 127.0.0.1 800$i { weight 1"
      echo "    notify_down \"$out/$h rs$i-down\""
      echo "    TCP_CHECK { connect_timeout 1 } }"
    done
    if [ $mode = misc ]; then
      echo "  real_server 127.0.0.1 8004 { weight 1"
      echo "    MISC_CHECK { misc_path \"$out/misc-sleep.sh\" misc_timeout 60 } }"
    fi
    echo "}"
  } >"$d/keepalived.conf"
  strace -f -tt -e trace=process,kill,prctl,setpgid -o "$d/strace.txt" keepalived --dont-fork --check --log-console \
    --use-file "$d/keepalived.conf" --pid "$d/k.pid" --checkers_pid "$d/kc.pid" >"$d/keepalived.log" 2>&1 &
  k=$!
  sleep 6
  read -r u _ </proc/uptime; echo "kill $u" >>"$hooks"
  kill -TERM "$(cat "$d/k.pid")"   # keepalived itself, not strace
  for _ in $(seq 100); do kill -0 $k 2>/dev/null || break; sleep 0.1; done
  wait $k
  read -r u _ </proc/uptime; echo "keepalived-exited $u" >>"$hooks"
  sleep 5
  echo "=== $mode ==="
  cat "$hooks"
  echo "--- keepalived log tail"
  tail -n 6 "$d/keepalived.log"
  echo "--- strace"
  grep -E "kill|SIG|setpgid|exit|execve|clone" "$d/strace.txt" | grep -v "rt_sig\|PR_CAPBSET" | tail -n 120
done
kill $servers
