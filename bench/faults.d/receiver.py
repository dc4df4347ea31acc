#!/usr/bin/python3
"""A webhook receiver on 127.0.0.1 that counts Alertmanager notifications by their
Idempotency-Key, and answers or hangs as a mode file says (`answer` or `hang`, read at each
request and every 20 ms while one is held). A held notification has been read but gets no
answer: it is over when the sender gives up (closes the connection) or when the mode goes back to
`answer`, and then its connection is closed without an answer (a receiver that was restarted).
Only notifications answered 200 count as delivered.

GET /count answers JSON:
  requests     notifications read
  delivered    answered 200
  keys         distinct Idempotency-Keys answered 200
  duplicates   200 answers for a key already answered once
  held, held_keys, given_up_by_client
  no_key       notifications without an Idempotency-Key
  firing, resolved   delivered notifications by their status
  alerts       {the alert's `id` label: Unix time of its first delivery}
  resolved_alerts    {`id`: Unix time of its first resolved delivery}
Standard library only.
    receiver.py --listen 127.0.0.1:18090 --mode-file receiver.mode
"""

import argparse
import json
import select
import signal
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {
    "requests": 0, "delivered": 0, "duplicates": 0, "held": 0, "given_up_by_client": 0,
    "no_key": 0, "firing": 0, "resolved": 0,
}
keys = set()
held_keys = set()
alerts = {}
resolved_alerts = {}
mode_file = None


def mode():
    try:
        with open(mode_file) as f:
            return f.read().strip() or "answer"
    except OSError:
        return "answer"


def client_gone(sock):
    """Waits up to 20 ms; true when the sender closed its side (it timed out and left)."""
    readable, _, _ = select.select([sock], [], [], 0.02)
    if not readable:
        return False
    try:
        if sock.recv(1, socket.MSG_PEEK) == b"":
            return True
    except OSError:
        return True
    time.sleep(0.02)
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.startswith("/count"):
            with lock:
                out = dict(state, keys=len(keys), held_keys=len(held_keys), alerts=alerts,
                           resolved_alerts=resolved_alerts)
            return self.answer(200, json.dumps(out))
        self.answer(404, "{}")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        key = self.headers.get("Idempotency-Key")
        now = time.time()
        with lock:
            state["requests"] += 1
        if mode() == "hang":
            with lock:
                state["held"] += 1
                if key:
                    held_keys.add(key)
            while mode() == "hang":
                if client_gone(self.connection):
                    with lock:
                        state["given_up_by_client"] += 1
                    break
            self.close_connection = True
            return
        try:
            notification = json.loads(body)
        except ValueError:
            notification = {}
        with lock:
            state["delivered"] += 1
            if not key:
                state["no_key"] += 1
            elif key in keys:
                state["duplicates"] += 1
            else:
                keys.add(key)
            status = notification.get("status", "")
            if status in ("firing", "resolved"):
                state[status] += 1
            for a in notification.get("alerts", []):
                alert_id = a.get("labels", {}).get("id")
                if alert_id is None:
                    continue
                seen = resolved_alerts if a.get("status") == "resolved" else alerts
                seen.setdefault(alert_id, now)
        self.answer(200, "{}")


def main():
    global mode_file
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="host:port")
    parser.add_argument("--mode-file", required=True)
    args = parser.parse_args()
    mode_file = args.mode_file
    host, port = args.listen.rsplit(":", 1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    socketserver.TCPServer.allow_reuse_address = True
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
