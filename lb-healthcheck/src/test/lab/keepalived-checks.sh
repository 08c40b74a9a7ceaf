#!/usr/bin/env bash
# Runs inside the kernel lab VM (lab/kernel/run, which has IPVS): real keepalived's health checkers judge a set of
# UDP_CHECK, DNS_CHECK, SMTP_CHECK and MISC_CHECK real servers; prints the resulting IPVS table (ipvsadm -Ln) between markers. The directory
# given as $1 holds keepalived.conf and the scripts the configuration names. Used by KeepalivedChecksLabIT, which
# compares the table with lbkit's verdicts for the same servers.
set -eu
# shellcheck source=../../../../lab/kernel/keepalived-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/keepalived-lib.sh"
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
# DNS servers 5351-5360, one answering behaviour each, as DnsResponder.MODES on the host
def dns(port, mode):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        q, peer = s.recvfrom(2048)
        qid = q[0:2]
        wrong = bytes([q[0] ^ 0xff, q[1] ^ 0xff])
        def reply(flags, ident=qid):
            return ident + flags.to_bytes(2, "big") + q[4:]
        out = {
            "noerror": [reply(0x8180)],
            "nxdomain": [reply(0x8183)],
            "servfail": [reply(0x8182)],
            "wrongid": [reply(0x8180, wrong)],
            "noqr": [q],
            "tc": [reply(0x8380)],
            "short8": [reply(0x8180)[:8]],
            "short7": [reply(0x8180)[:7]],
            "otherq": [qid + bytes([0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]) + b"\x05other\x07example\x00\x00\x01\x00\x01"],
            "wrongthenright": [reply(0x8180, wrong), reply(0x8180)],
        }[mode]
        for r in out:
            s.sendto(r, peer)
modes = ["noerror", "nxdomain", "servfail", "wrongid", "noqr", "tc", "short8", "short7", "otherq", "wrongthenright"]
for i, mode in enumerate(modes):
    threading.Thread(target=dns, args=(5351 + i, mode), daemon=True).start()
threading.Thread(target=serve, args=(5301, False), daemon=True).start()
serve(5303, True)
PY
servers=$!
# SMTP servers: 2525 greets 220 and accepts HELO, 2526 greets 554
python3 "$(dirname "${BASH_SOURCE[0]}")/../../../../lab/kernel/smtp-servers.py" "2525:220 mx.lab ESMTP" "2526:554 go away" &
smtpd=$!
sleep 2
lab_keepalived "$dir" --log-detail
# keepalived starts every real server up; failing ones leave after a check and a retry (about 3 s at full speed,
# several times that under emulation): take the table once it has stopped changing
prev=""
for i in $(seq 1 40); do
  sleep 3
  now=$(ipvsadm -Ln)
  if [ "$now" = "$prev" ] && [ "$i" -ge 5 ]; then break; fi
  prev=$now
done
lab_section "ipvsadm -Ln" ipvsadm -Ln
lab_stop "$keepalived" "$servers" "$smtpd"
