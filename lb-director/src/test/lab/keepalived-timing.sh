#!/usr/bin/env bash
# Runs inside the kernel lab VM (lab/kernel/run, which has IPVS): real keepalived's TCP_CHECKs connect to a listener
# on loopback that records, per port, when each connection came; keepalived is launched, reloaded (SIGHUP) after
# $4 seconds and stopped after $3. All times are seconds on one clock (CLOCK_BOOTTIME, which /proc/uptime reads
# too). Used by KeepalivedCheckerTimingLabIT, which runs lbkit on the host with the same keepalived.conf and the same
# listener, and compares when each side checks (the start delay, each checker on its own delay_loop, the default
# warmup against warmup 0, the fresh start after a reload) and the IPVS weights its MISC_CHECKs leave.
#   $1: a directory holding keepalived.conf;  $2: the ports to listen on (comma-separated);  $3: seconds to run;
#   $4: seconds after the launch to reload;  $5: the port of the web server the HTTP_GET checkers ask (its answers
#   are KeepalivedCheckerTimingLabIT's WEB)
# Output sections: "table before reload" (ipvsadm -Ln just before the SIGHUP), "table" (at the end) and
# "connections" ("launch T" and "reload T" lines, then the listener's "PORT T" lines).
set -eu
# shellcheck source=../../../../lab/kernel/keepalived-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/keepalived-lib.sh"
dir=$1
ports=$2
seconds=$3
reload_at=$4
web_port=$5
cd "$dir"
ip link set lo up
log=/tmp/keepalived-timing   # the VM's own tmpfs: two writers appending to one file over 9p could lose lines
mkdir -p "$log"
python3 - "$ports" "$log/connections.log" <<'PY' &
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
            out.write("%d %.3f\n" % (port, time.clock_gettime(time.CLOCK_BOOTTIME)))
        c.close()
for p in ports:
    threading.Thread(target=serve, args=(p,), daemon=True).start()
with lock:
    out.write("start %.3f\n" % time.clock_gettime(time.CLOCK_BOOTTIME))
while True:
    time.sleep(3600)
PY
listener=$!
python3 - "$web_port" <<'PY' &
import http.server, sys
ANSWERS = {"/ok": (200, b"hello\n"), "/maint": (503, b"maintenance\n"), "/moved": (301, b"moved\n"),
           "/vhost": (200, b"vhost\n")}
class Web(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status, body = ANSWERS.get(self.path, (404, b"none\n"))
        if self.path == "/vhost" and not (self.headers.get("Host") or "").startswith("www.lab"):
            status = 404
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Web).serve_forever()
PY
web=$!
sleep 2
now() { read -r up _ </proc/uptime; echo "$up"; }
echo "launch $(now)" >"$log/events.log"
lab_keepalived "$dir"
sleep "$reload_at"
lab_section "table before reload" ipvsadm -Ln
echo "reload $(now)" >>"$log/events.log"
kill -HUP "$keepalived"
sleep "$((seconds - reload_at))"
lab_section table ipvsadm -Ln
lab_section connections cat "$log/events.log" "$log/connections.log"
lab_stop "$keepalived" "$listener" "$web"
