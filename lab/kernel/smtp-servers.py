"""SMTP servers on loopback for the kernel lab's keepalived scripts (keepalived-checks.sh, keepalived-timing.sh).

    python3 lab/kernel/smtp-servers.py PORT:GREETING[:HELO] ...

Each PORT greets with GREETING (its reply code and text, e.g. "220 mx.lab ESMTP"), then answers 221 to QUIT and
250 to every other line; with HELO given, a HELO line other than "HELO <HELO>" gets 501. Runs until killed.
"""
import socket
import sys
import threading


def talk(conn, greeting, helo):
    try:
        conn.sendall(greeting.encode("ascii") + b"\r\n")
        for line in conn.makefile("rb"):
            line = line.rstrip(b"\r\n")
            if line.startswith(b"QUIT"):
                conn.sendall(b"221 bye\r\n")
            elif helo and line.startswith(b"HELO") and line != b"HELO " + helo.encode("ascii"):
                conn.sendall(b"501 who are you\r\n")
            else:
                conn.sendall(b"250 ok\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def serve(port, greeting, helo):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=talk, args=(conn, greeting, helo), daemon=True).start()


threads = []
for spec in sys.argv[1:]:
    port, greeting, *helo = spec.split(":")
    threads.append(threading.Thread(target=serve, args=(int(port), greeting, helo[0] if helo else None), daemon=True))
for t in threads:
    t.start()
for t in threads:
    t.join()
