#!/usr/bin/env bash
# Runs inside the kernel lab VM (lab/kernel/run, which has IPVS): real keepalived's TCP_CHECKs connect to a listener
# on loopback that records, per port, when each connection came; keepalived is launched, reloaded (SIGHUP) after
# $4 seconds and stopped after $3. All times are seconds on one clock (CLOCK_BOOTTIME, which /proc/uptime reads
# too). Used by KeepalivedCheckerTimingLabIT, which runs lbkit on the host with the same keepalived.conf and the same
# listener, and compares when each side checks (the start delay, each checker on its own delay_loop, the default
# warmup against warmup 0, the fresh start after a reload) and the IPVS weights its MISC_CHECKs leave.
#   $1: a directory holding keepalived.conf (and before-reload.sh, run just before the SIGHUP if it is there);  $2: the ports to listen on (comma-separated);  $3: seconds to run;
#   $4: seconds after the launch to reload;  $5: the port of the web server the HTTP_GET checkers ask (its answers
#   are KeepalivedCheckerTimingLabIT's WEB);  $6: the ports of the TLS web servers, "VALID,EXPIRED,MTLS", whose keys
#   and certificates are $1/valid.pem, $1/expired.pem and again $1/valid.pem, MTLS requiring a client certificate,
#   the one in $1/client-a.pem (answers as KeepalivedCheckerTimingLabIT's TLS says);  $7: the
#   port of the silent peer (a listener whose accept queue is full: SYNs to it are dropped);  $8: the bindto address of
#   the TCP_CHECK that connects to it, whose SYNs are captured (section "syn", tcpdump's lines);  $9: the ports of the
#   SMTP servers "ANY,HELO,DENY" (as KeepalivedCheckerTimingLabIT's SMTP says);  $10: the ports of the hostile web
#   servers "SILENT,DRIP,SHORT" (as its HOSTILE says). dnsmasq runs on $1/dnsmasq.conf. lab/kernel/drop-netns makes
#   the dropping address of its DROPPED checkers; what is sent there is captured (section "drop"). keepalived's log,
#   $1/keepalived.log, has each line stamped with the wall clock and the uptime.
# Output sections: "table before reload" (ipvsadm -Ln just before the SIGHUP), "table" (at the end) and
# "connections" ("launch T" and "reload T" lines, then the listener's "PORT T" lines, then the web server's
# "web PATH T" lines for the multi-url HTTP_GET servers' requests).
set -eu
# shellcheck source=../../../../lab/kernel/keepalived-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/keepalived-lib.sh"
dir=$1
ports=$2
seconds=$3
reload_at=$4
web_port=$5
tls_ports=$6
full_port=$7
silent_from=$8
smtp_ports=$9
hostile_ports=${10}
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
python3 - "$web_port" "$log/web.log" <<'PY' &
import http.server, sys, threading, time
out = open(sys.argv[2], "a", buffering=1)
lock = threading.Lock()
asked = {}
ANSWERS = {"/ok": (200, b"hello\n"), "/maint": (503, b"maintenance\n"), "/moved": (301, b"moved\n"),
           "/vhost": (200, b"vhost\n")}
class Web(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/r"):
            # KeepalivedCheckerTimingLabIT's ROUND urls: /a and /b 200, /late 200 the first time then 503, /fail 503,
            # /flap 503 the first time then 200, /flip 503 the 2nd and 3rd times, /once 503 the 2nd time
            with lock:
                out.write("web %s %.3f\n" % (self.path, time.clock_gettime(time.CLOCK_BOOTTIME)))
                asked[self.path] = n = asked.get(self.path, 0) + 1
            ok = (self.path.endswith("/a") or self.path.endswith("/b") or (self.path.endswith("/late") and n == 1)
                  or (self.path.endswith("/flap") and n > 1) or (self.path.endswith("/flip") and n not in (2, 3))
                  or (self.path.endswith("/once") and n != 2))
            self.send_response(200 if ok else 503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
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
python3 - "$tls_ports" "$dir" <<'PY' &
import http.server, ssl, sys, threading
class Tls(http.server.BaseHTTPRequestHandler):
    def setup(self):
        # the handshake in this connection's own thread: the VM is slow, and ten checkers connect at once
        self.request.do_handshake()
        super().setup()
    def do_GET(self):
        if self.path == "/sni":
            named = getattr(self.connection, "sni_name", None) == "www.lab"
            status, body = (200, b"sni\n") if named else (404, b"none\n")
        else:
            status, body = {"/ok": (200, b"hello\n"), "/maint": (503, b"maintenance\n")}.get(self.path, (404, b"none\n"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
def remember_sni(sock, name, ctx):
    sock.sni_name = name
def serve(port, pem, client_ca=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pem)
    if client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(client_ca)
    ctx.sni_callback = remember_sni
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Tls)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
    httpd.serve_forever()
valid, expired, mtls = (int(p) for p in sys.argv[1].split(","))
threading.Thread(target=serve, args=(expired, sys.argv[2] + "/expired.pem"), daemon=True).start()
threading.Thread(target=serve, args=(mtls, sys.argv[2] + "/valid.pem", sys.argv[2] + "/client-a.pem"),
                 daemon=True).start()
serve(valid, sys.argv[2] + "/valid.pem")
PY
tls=$!
python3 - "$full_port" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(1)  # never accepted: once full, the kernel drops every SYN
fillers = []
for i in range(4):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(0.5)
    fillers.append(c)
    try:
        c.connect(("127.0.0.1", port))
    except OSError:
        break
while True:
    time.sleep(3600)
PY
full=$!
dnsmasq --conf-file="$dir/dnsmasq.conf" --pid-file --user=root &
dns=$!
IFS=, read -r smtp_any smtp_helo smtp_deny <<<"$smtp_ports"
python3 "$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/smtp-servers.py" "$smtp_any:220 mx.lab ESMTP" \
  "$smtp_helo:220 mx.lab ESMTP:lab.helo" "$smtp_deny:554 go away" &
smtpd=$!
python3 - "$hostile_ports" <<'PY' &
import socket, sys, threading, time
def misbehave(kind, c):
    try:
        c.recv(4096)
        if kind == "silent":
            time.sleep(30)
        elif kind == "drip":
            c.sendall(b"HTTP/1.0 200 OK\r\n")
            for i in range(150):
                c.sendall(b"X-Drip-%d: y\r\n" % i)
                time.sleep(0.2)
        else:
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nhello\n")
    except OSError:
        pass
    finally:
        c.close()
def serve(kind, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=misbehave, args=(kind, c), daemon=True).start()
silent, drip, short = (int(p) for p in sys.argv[1].split(","))
threading.Thread(target=serve, args=("silent", silent), daemon=True).start()
threading.Thread(target=serve, args=("drip", drip), daemon=True).start()
serve("short", short)
PY
hostiled=$!
tcpdump -i lo -n -tt -l -U "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and src host $silent_from and dst port $full_port" \
  >"$log/syn.log" 2>"$log/tcpdump.err" &
capture=$!
"$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/drop-netns" up
tcpdump -i lbkdrop0 -n -tt -l -U "dst host 10.214.0.2 and (udp or tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn)" \
  >"$log/drop.log" 2>"$log/drop.err" &
dropcap=$!
sleep 2
# python starts slowly under the VM's emulation, and its first requests are slower still: wait until the web server
# has answered twice, so that keepalived's first HTTP_GETs do not time out on a cold server
warm=0
for i in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$web_port" && printf 'GET /ok HTTP/1.0\r\n\r\n' >&3 && cat <&3 >/dev/null) \
      2>/dev/null; then
    warm=$((warm + 1))
    [ "$warm" -ge 2 ] && break
  else
    sleep 0.2
  fi
done
IFS=, read -r _ _ tls_mtls <<<"$tls_ports"
for port in ${tls_ports//,/ }; do
  client=()
  [ "$port" = "$tls_mtls" ] && client=(-cert "$dir/client-a.pem" -key "$dir/client-a-key.pem" -pass pass:lablab)
  warm=0
  for i in $(seq 1 100); do
    if openssl s_client -connect "127.0.0.1:$port" "${client[@]}" </dev/null >/dev/null 2>&1; then
      warm=$((warm + 1))
      [ "$warm" -ge 2 ] && break
    else
      sleep 0.2
    fi
  done
done
now() { read -r up _ </proc/uptime; echo "$up"; }
echo "launch $(now)" >"$log/events.log"
lab_keepalived_stamped "$dir"
sleep "$reload_at"
lab_section "table before reload" ipvsadm -Ln
# KeepalivedCheckerTimingLabIT's before-reload.sh: other contents for the SSL block's files, its text unchanged
if [ -x "$dir/before-reload.sh" ]; then "$dir/before-reload.sh"; fi
echo "reload $(now)" >>"$log/events.log"
kill -HUP "$keepalived"
sleep "$((seconds - reload_at))"
lab_section table ipvsadm -Ln
lab_section connections cat "$log/events.log" "$log/connections.log" "$log/web.log"
lab_section syn cat "$log/syn.log"
# the failing MISC_CHECK's runs (KeepalivedCheckerTimingLabIT's fail-log.sh notes them in this side's /tmp)
lab_section "misc runs" sh -c 'cat /tmp/lbkit-misc-runs-* 2>/dev/null || true'
lab_section drop cat "$log/drop.log"
# the notify hooks (KeepalivedCheckerTimingLabIT's hook.sh notes them in this side's /tmp): "stop", then what
# keepalived runs as it stops (omega); keepalived is stopped first and waited for, so its hooks have run
hooks=$(cat "$dir/hooks-file")
echo stop >>"$hooks"
kill "$keepalived" 2>/dev/null || true
wait "$keepalived" 2>/dev/null || true
sleep 5 # a shutdown hook left running would note its end within 4 s (KeepalivedCheckerTimingLabIT's slow-hook.sh)
lab_section "omega hooks" cat "$hooks"
lab_stop "$keepalived" "$listener" "$web" "$tls" "$full" "$capture" "$dns" "$smtpd" "$hostiled" "$dropcap"
"$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/drop-netns" down
