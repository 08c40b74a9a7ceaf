# Shared by the director end-to-end scripts (director-nat-e2e.sh, director-vrrp-e2e.sh): sourced, not run.
# The caller sets $out (the result directory) before sourcing. Provides result lines and PASS/FAIL counting,
# time arithmetic, and a polling HTTP client with the outage it saw after an event.

passed=0
failed=0
# result LINE...: one line of results, also printed (and timed, see mark)
result() { echo "$*" | tee -a "$out/e2e-result.txt"; mark "$*"; }
# check NAME STATUS: counts a check as passed when STATUS (an exit status) is 0
check() {
  if [[ $2 == 0 ]]; then passed=$((passed + 1)); result "PASS $1"; else failed=$((failed + 1)); result "FAIL $1"; fi
}
# summary: the last result line ("N passed, N failed"); its status is 0 only without failures
summary() { result "$passed passed, $failed failed"; [[ $failed == 0 ]]; }
now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
# later A B S: true when A is more than S seconds after B
later() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { exit !(a - b > s) }'; }
# mark TEXT: appends "+SECONDS TEXT" to $out/timing.txt, SECONDS since the script sourced this file: where a lab
# run spends its time (every result line is marked too)
t_script=$(now)
: >"$out/timing.txt"
mark() { echo "+$(minus "$(now)" "$t_script") s $*" >>"$out/timing.txt"; }

# client_start NETNS VIP SECONDS LOG: in the background, asks http://VIP/name every 50 ms on a new connection
# (3 s timeout) and logs "START END ANSWER" lines, ANSWER being the body or "error"; sets $client to its PID. It
# stops after SECONDS, or earlier once LOG.stop exists (client_stop).
client_start() {
  cat >"$out/client.py" <<'PY'
import os, sys, time, urllib.request
vip, seconds, path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
end = time.time() + seconds
with open(path, "w") as log:
    while time.time() < end and not os.path.exists(path + ".stop"):
        t = time.time()
        try:
            answer = urllib.request.urlopen("http://%s/name" % vip, timeout=3).read().decode().strip()
        except Exception:
            answer = "error"
        log.write("%.3f %.3f %s\n" % (t, time.time(), answer))
        log.flush()
        time.sleep(0.05)
PY
  rm -f "$4.stop"
  ip netns exec "$1" python3 "$out/client.py" "$2" "$3" "$4" &
  client=$!
}

# client_stop LOG AFTER COUNT SECONDS: waits until the client has logged COUNT requests that started after the time
# AFTER (or SECONDS have passed), then stops it and waits for it; the log ends with those requests
client_stop() {
  local t0; t0=$(now)
  until [[ $(awk -v a="$2" '$1 > a' "$1" | wc -l) -ge $3 ]] || later "$(now)" "$t0" "$4"; do sleep 0.2; done
  touch "$1.stop"
  wait "$client"
}

# asks NETNS URL N: asks URL N times, each on a new connection (5 s timeout), from one python process (a curl per
# request costs a second in the emulated lab); prints the answers (the body, or "error") on one line
asks() {
  ip netns exec "$1" python3 -c '
import sys, urllib.request
answers = []
for _ in range(int(sys.argv[2])):
    try:
        answers.append(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode().strip())
    except Exception:
        answers.append("error")
print(" ".join(answers))' "$2" "$3"
}

# client_outage EVENT_TIME LOG: result lines with the requests that failed after the event (how many, first and
# last failure, when answers resumed) and the longest time the client went without an answer
client_outage() {
  awk -v k="$1" '$1 >= k { n++; if ($3 == "error") { e++; if (!f) f = $1; l = $1 } else if (e && !r) r = $1 }
    END { if (e) printf "client outage: %d of %d requests failed, first failure %.2f s and last %.2f s after the event (window %.2f s); answers resumed %.2f s after it\n", e, n, f - k, l - k, l - f, r ? r - k : -1;
          else printf "client outage: none of %d requests failed\n", n }' "$2" | tee -a "$out/e2e-result.txt"
  awk -v k="$1" '$3 != "error" { if (p && $2 > k && p > k - 10) { g = $2 - p; if (g > m) { m = g; at = p } } p = $2 }
    END { printf "longest time without an answer after the event: %.2f s (from %.2f s after it)\n", m, at - k }' \
    "$2" | tee -a "$out/e2e-result.txt"
}

real_server() { # ADDRESS: a web server checked by HTTP_GET on /name
  cat <<RS
  real_server $1 80 {
    HTTP_GET {
      url {
        path /name
      }
      connect_timeout 5
      retry 1
      delay_before_retry 0.5
    }
  }
RS
}
