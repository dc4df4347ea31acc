#!/usr/bin/python3
"""A TCP proxy on 127.0.0.1 between a client and one upstream that passes, delays or stalls the
bytes, in both directions, as a mode file says (read every 20 ms, so a change applies to the
connections already open):

    pass        forward at once
    delay MS    forward each chunk MS milliseconds after it arrived (latency, not a rate limit)
    stall       hold every byte until the mode changes, then forward what was held, in order

It stands in for `tc netem`, which needs a kernel with sch_netem. Standard library only.
    tcp_proxy.py --listen 127.0.0.1:16432 --upstream 127.0.0.1:5432 --mode-file proxy.mode
"""

import argparse
import collections
import signal
import socket
import sys
import threading
import time


class Mode:
    def __init__(self, path):
        self.path = path
        self.kind, self.delay = "pass", 0.0
        self.read()
        threading.Thread(target=self.follow, daemon=True).start()

    def read(self):
        try:
            with open(self.path) as f:
                words = f.read().split()
        except OSError:
            words = []
        kind = words[0] if words else "pass"
        delay = float(words[1]) / 1000 if kind == "delay" and len(words) > 1 else 0.0
        self.kind, self.delay = kind, delay

    def follow(self):
        while True:
            time.sleep(0.02)
            self.read()


def pipe(src, dst, mode, done):
    """Copies src to dst through a queue, so held or delayed chunks keep their order."""
    queue = collections.deque()
    ready = threading.Condition()

    def reader():
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            with ready:
                queue.append((time.monotonic(), data))
                ready.notify()
            if not data:
                return

    threading.Thread(target=reader, daemon=True).start()
    try:
        while True:
            with ready:
                while not queue:
                    ready.wait()
                arrived, data = queue[0]
            while True:  # the mode may change while a chunk waits
                if mode.kind == "stall":
                    time.sleep(0.02)
                    continue
                wait = arrived + mode.delay - time.monotonic()
                if wait > 0:
                    time.sleep(min(wait, 0.02))
                    continue
                break
            with ready:
                queue.popleft()
            if not data:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            try:
                dst.sendall(data)
            except OSError:  # the other side is gone: end both directions
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
    finally:
        done.release()


def serve(client, upstream, mode):
    try:
        server = socket.create_connection(upstream, timeout=5)
        server.settimeout(None)
    except OSError as e:
        print(f"tcp_proxy: upstream {upstream}: {e}", file=sys.stderr, flush=True)
        client.close()
        return
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    done = threading.Semaphore(0)
    for a, b in ((client, server), (server, client)):
        threading.Thread(target=pipe, args=(a, b, mode, done), daemon=True).start()
    done.acquire()
    done.acquire()
    client.close()
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="host:port")
    parser.add_argument("--upstream", required=True, help="host:port")
    parser.add_argument("--mode-file", required=True)
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    up_host, up_port = args.upstream.rsplit(":", 1)
    mode = Mode(args.mode_file)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, int(port)))
    listener.listen(128)
    while True:
        client, _ = listener.accept()
        threading.Thread(
            target=serve, args=(client, (up_host, int(up_port)), mode), daemon=True
        ).start()


if __name__ == "__main__":
    main()
