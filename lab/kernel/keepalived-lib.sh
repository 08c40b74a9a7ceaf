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

# lab_keepalived_stamped DIR [OPTION...]: as lab_keepalived, but each line of DIR/keepalived.log starts with the wall
# clock ($EPOCHREALTIME) and the uptime (/proc/uptime, CLOCK_BOOTTIME) at which it was written, for the times of its
# transitions (bash builtins only: no process per line); $keepalived is keepalived's PID
lab_keepalived_stamped() {
  local dir=$1 fifo
  shift
  # a FIFO, not process substitution: the lab VM has no /dev/fd
  fifo=$(mktemp -u /tmp/keepalived-log.XXXXXX)
  mkfifo "$fifo"
  lab_stamp <"$fifo" >"$dir/keepalived.log" &
  keepalived --dont-fork --check --log-console "$@" --use-file "$dir/keepalived.conf" \
    --pid "$dir/k.pid" --checkers_pid "$dir/kc.pid" >"$fifo" 2>&1 &
  keepalived=$!
}

lab_stamp() {
  local line up
  while IFS= read -r line; do
    read -r up _ </proc/uptime
    printf '%s %s %s\n' "$EPOCHREALTIME" "$up" "$line"
  done
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
