#!/usr/bin/python3
"""An HTTP server on 127.0.0.1 that either answers or hangs, as a mode file says (`answer` or
`hang`, read at each request and every 20 ms while a request is held). It stands in for a scrape
target (GET /metrics: a few gauges) and for a Prometheus-compatible datasource (GET or POST
/api/v1/query: an instant vector of one sample, faults_value{source="switch"} 1, at the asked
time). A hanging request has been read but gets no answer; when the mode goes back to `answer`
its connection is closed without one (a server that was restarted).

GET /__stats (never held) answers JSON: requests answered, held, held now, held requests whose
client closed the connection (it timed out), connections made and open.
Standard library only.
    switch_http.py --listen 127.0.0.1:18080 --mode-file target.mode
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
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

stats = {"answered": 0, "held": 0, "holding": 0, "given_up_by_client": 0, "connections": 0, "open": 0}
lock = threading.Lock()
mode_file = None


def mode():
    try:
        with open(mode_file) as f:
            return f.read().strip() or "answer"
    except OSError:
        return "answer"


def client_gone(sock):
    """Waits up to 20 ms; true when the client closed its side (it timed out and left)."""
    readable, _, _ = select.select([sock], [], [], 0.02)
    if not readable:
        return False
    try:
        if sock.recv(1, socket.MSG_PEEK) == b"":
            return True
    except OSError:
        return True
    time.sleep(0.02)  # more bytes of a next request: not gone
    return False


def count(key, n=1):
    with lock:
        stats[key] += n


METRICS = (
    "# TYPE faults_value gauge\n"
    'faults_value{source="switch"} 1\n'
    "# TYPE faults_requests_total counter\n"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        count("connections")
        count("open")

    def finish(self):
        try:
            super().finish()
        finally:
            count("open", -1)

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def hold(self):
        """True when the request was held: the connection is then closed without an answer."""
        if mode() != "hang":
            return False
        count("held")
        count("holding")
        try:
            while mode() == "hang":
                if client_gone(self.connection):
                    count("given_up_by_client")
                    break
        finally:
            count("holding", -1)
        self.close_connection = True
        return True

    def send(self, status, body, content_type):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        count("answered")

    def handle_any(self, form):
        path = urllib.parse.urlsplit(self.path)
        if path.path == "/__stats":
            with lock:
                body = json.dumps(stats)
            return self.send(200, body, "application/json")
        if self.hold():
            return
        if path.path == "/metrics":
            with lock:
                n = stats["answered"]
            return self.send(200, METRICS + f"faults_requests_total {n}\n", "text/plain; version=0.0.4")
        if path.path == "/api/v1/query":
            params = urllib.parse.parse_qs(path.query)
            params.update(urllib.parse.parse_qs(form))
            at = float(params.get("time", [time.time()])[0])
            result = [{"metric": {"__name__": "faults_value", "source": "switch"}, "value": [at, "1"]}]
            body = {"status": "success", "data": {"resultType": "vector", "result": result}}
            return self.send(200, json.dumps(body), "application/json")
        self.send(404, "not found\n", "text/plain")

    def do_GET(self):
        self.handle_any("")

    def do_POST(self):
        self.handle_any(self.body().decode())


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
