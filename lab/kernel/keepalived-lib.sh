# Shared by the scripts that run real keepalived's checkers inside the kernel lab VM (lab/kernel/run), such as
# lb-director's keepalived-timing.sh and lb-healthcheck's keepalived-checks.sh: sourced, not run. Each script takes
# a directory holding keepalived.conf as $1, starts its own servers on loopback, then keepalived, and prints what
# its IT compares between markers.

# lab_keepalived DIR [OPTION...]: keepalived's checker process alone (--check), in the foreground of a background
# job, on DIR/keepalived.conf with its PID files in DIR and its log in DIR/keepalived.log; sets $keepalived to the
# job's PID. OPTIONs go to keepalived (e.g. --log-detail).
lab_keepalived() {
  local dir=$1
  shift
  keepalived --dont-fork --check --log-console "$@" --use-file "$dir/keepalived.conf" \
    --pid "$dir/k.pid" --checkers_pid "$dir/kc.pid" >"$dir/keepalived.log" 2>&1 &
  keepalived=$!
}

# lab_section NAME COMMAND...: COMMAND's output between the lines "=== NAME ===" and "=== end ===", the markers
# the ITs cut the lab's output at
lab_section() {
  echo "=== $1 ==="
  "${@:2}"
  echo "=== end ==="
}

# lab_stop PID...: ends the background jobs with these PIDs (those the script started) and waits for them
lab_stop() {
  kill "$@" 2>/dev/null || true
  wait 2>/dev/null || true
}
