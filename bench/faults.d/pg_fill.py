#!/usr/bin/python3
"""Fills a PostgreSQL server's connection slots: opens connections over its Unix socket (trust
authentication, as the benchmarks' clusters allow locally) until the server refuses one, and holds
them. Speaks the wire protocol itself, so it needs nothing but the standard library. Each event
is a JSON line on stdout:
  {"event": "full", "held": N, "refused": "<the server's message>", "code": "53300"}
On SIGUSR1 it frees the slots an application holds (--evict, by application_name) with
pg_terminate_backend from one of its own connections and takes them itself before that
application can reconnect, repeating until none is left ("evicted"). On SIGUSR2 it reports the
server's backends by application_name ("census"). SIGTERM closes every connection ("released").
    pg_fill.py --socket-dir DIR --port 5432 --user postgres --evict stackwatch-exporter
"""

import argparse
import json
import signal
import socket
import struct
import sys
import time


class Refused(Exception):
    def __init__(self, fields):
        super().__init__(fields.get("M", "refused"))
        self.fields = fields


def error_fields(payload):
    fields = {}
    for part in payload.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode(errors="replace")
    return fields


def read_message(sock):
    head = b""
    while len(head) < 5:
        chunk = sock.recv(5 - len(head))
        if not chunk:
            raise Refused({"M": "connection closed by the server"})
        head += chunk
    kind, length = head[:1], struct.unpack("!I", head[1:])[0]
    payload = b""
    while len(payload) < length - 4:
        chunk = sock.recv(length - 4 - len(payload))
        if not chunk:
            raise Refused({"M": "connection closed by the server"})
        payload += chunk
    return kind, payload


class Connection:
    def __init__(self, path, user, database):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        params = b"".join(
            k.encode() + b"\0" + v.encode() + b"\0"
            for k, v in (("user", user), ("database", database), ("application_name", "faults-fill"))
        ) + b"\0"
        self.sock.sendall(struct.pack("!II", 8 + len(params), 196608) + params)
        while True:
            kind, payload = read_message(self.sock)
            if kind == b"E":
                self.sock.close()
                raise Refused(error_fields(payload))
            if kind == b"R" and struct.unpack("!I", payload[:4])[0] != 0:
                self.sock.close()
                raise Refused({"M": "the server asks for a password; use trust over the socket"})
            if kind == b"Z":
                return

    def query(self, sql):
        """Rows of a simple query, as lists of strings (None for NULL)."""
        data = sql.encode() + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!I", 4 + len(data)) + data)
        rows, error = [], None
        while True:
            kind, payload = read_message(self.sock)
            if kind == b"D":
                n, at, row = struct.unpack("!H", payload[:2])[0], 2, []
                for _ in range(n):
                    size = struct.unpack("!i", payload[at:at + 4])[0]
                    at += 4
                    row.append(None if size < 0 else payload[at:at + size].decode())
                    at += max(size, 0)
                rows.append(row)
            elif kind == b"E":
                error = error_fields(payload).get("M")
            elif kind == b"Z":
                if error:
                    raise RuntimeError(error)
                return rows

    def close(self):
        try:
            self.sock.sendall(b"X\0\0\0\4")
        except OSError:
            pass
        self.sock.close()


def emit(**event):
    print(json.dumps(event), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket-dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--database", default="postgres")
    parser.add_argument("--evict", default="stackwatch-exporter", help="application_name")
    parser.add_argument("--max", type=int, default=10000, help="connections at most")
    args = parser.parse_args()
    path = f"{args.socket_dir}/.s.PGSQL.{args.port}"
    held = []

    def fill(want=0, patience=0.0):
        """Connects until refused; with `want`, keeps trying for `patience` seconds until that
        many more are held (terminated backends take a moment to leave their slots)."""
        start, deadline = len(held), time.monotonic() + patience
        while len(held) < args.max:
            try:
                held.append(Connection(path, args.user, args.database))
            except Refused as e:
                if len(held) - start >= want or time.monotonic() > deadline:
                    return e.fields
                time.sleep(0.002)
        return {"M": f"stopped at --max {args.max}"}

    pending = []
    signal.signal(signal.SIGUSR1, lambda *_: pending.append("evict"))
    signal.signal(signal.SIGUSR2, lambda *_: pending.append("census"))
    signal.signal(signal.SIGTERM, lambda *_: pending.append("release"))

    started = time.monotonic()
    refused = fill()
    emit(event="full", held=len(held), refused=refused.get("M"), code=refused.get("C"),
         seconds=round(time.monotonic() - started, 3))
    by_app = "SELECT coalesce(application_name, ''), count(*) FROM pg_stat_activity " \
             "WHERE backend_type = 'client backend' GROUP BY 1 ORDER BY 1"
    while True:
        if not pending:
            signal.pause()
            continue
        action = pending.pop(0)
        if action == "release":
            for c in held:
                c.close()
            emit(event="released", held=len(held))
            return
        if action == "census":
            emit(event="census", by_application={k: int(v) for k, v in held[0].query(by_app)})
        if action == "evict":
            rounds = terminated = 0
            left = -1
            for rounds in range(1, 21):
                name = args.evict.replace("'", "''")
                n = int(held[0].query(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    f"WHERE application_name = '{name}'")[0][0])
                terminated += n
                refused = fill(want=n, patience=1.0)
                left = int(held[0].query(
                    f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{name}'")[0][0])
                if left == 0:
                    break
            emit(event="evicted", rounds=rounds, terminated=terminated, held=len(held),
                 left=left, refused=refused.get("M"), code=refused.get("C"))


if __name__ == "__main__":
    sys.exit(main())
