#!/usr/bin/python3
"""HTTP attack harness: does a server stay responsive while being attacked?

Opens attack connections from --attack-address (default 127.0.0.2; Linux routes all of
127.0.0.0/8 to loopback) and, from 127.0.0.1 in a separate process so the attack's own CPU use
does not delay it, probes --probe-path every 20 ms: a new connection each time, HTTP/1.1,
"Connection: close", 2 s timeout.  A probe succeeds on a 2xx answer; anything else (timeout,
refused, reset, other status) is a failure.  Each probe's latency is the time until it finished
or failed (a timeout counts as 2000 ms); p50/p99/max cover every probe.

Scenarios (--connections N overrides the default count):
  slowloris      N=200 connections send "GET <attack-path> HTTP/1.1\\r\\nHost: x\\r\\n", then one
                 more header byte ("X-a: b\\r\\n" repeated) every second; reconnect when closed.
  idle           N=1000 connections connect and send nothing; reconnect when closed.
  tls-handshake  N=200 connections to a TLS server (needs --tls): even ones send the first
                 27 bytes of a ClientHello, odd ones nothing; reconnect when closed.
  slow-reader    N=50 connections with a tiny SO_RCVBUF send a keep-alive
                 "GET <attack-path, default /metrics>" and then read one byte a second.
  churn          N=2000 short-lived connections a second, each a full "GET <probe-path>"
                 (Connection: close) whose answer is read.
  none           probes only: the control.

Counting: "refused" is an attack connection refused at connect, whose connect timed out (3 s),
or that was answered with an HTTP status >= 400 (e.g. 503 for too many connections); "closed"
is one the server closed or reset without such an answer.  "attack_open" is how many attack
connections are still ESTABLISHED (TCP_INFO) when the probes end, i.e. held by the server.

The attack starts --warmup seconds (default 1) before the probes so it is in place; the probes
then run for --duration seconds (default 10), and the attack lasts until the last probe ends.

Exit status: 0; 1 when --expect-p99-ms is given and p99 exceeds it or any probe failed;
2 on usage errors.  Python 3.11 standard library only; no root needed.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import socket
import ssl
import struct
import sys
import time
import urllib.parse

PROBE_INTERVAL = 0.020
PROBE_TIMEOUT = 2.0
CONNECT_TIMEOUT = 3.0
RECONNECT_DELAY = 0.1
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)
TCP_ESTABLISHED = 1

DEFAULT_CONNECTIONS = {
    "slowloris": 200,
    "idle": 1000,
    "idle+slowloris": 1000,
    "tls-handshake": 200,
    "slow-reader": 50,
    "churn": 2000,  # per second
    "none": 0,
}
SCENARIOS = list(DEFAULT_CONNECTIONS)


class UsageError(Exception):
    pass


def raise_nofile_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def client_tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def make_socket(local_address, rcvbuf=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # As browsers and Go's client: without it a TLS request waits ~40 ms for the server's
        # delayed ACK of the handshake's last flight, which measured the client, not the server.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if rcvbuf is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        try:
            # Choose the source port at connect(), per destination: many more ports available.
            sock.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        except OSError:
            pass
        sock.bind((local_address, 0))
    except BaseException:
        sock.close()
        raise
    return sock


async def connect_socket(host, port, local_address, timeout, rcvbuf=None):
    """A connected non-blocking socket bound to local_address; raises on failure."""
    loop = asyncio.get_running_loop()
    sock = make_socket(local_address, rcvbuf)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
    except BaseException:
        sock.close()
        raise
    return sock


def http_status(head):
    """The status code of an HTTP response that starts with head, or None."""
    if not head.startswith(b"HTTP/"):
        return None
    parts = head.split(b" ", 2)
    if len(parts) < 2 or len(parts[1]) < 3:
        return None
    try:
        return int(parts[1][:3])
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Probe (runs in its own process)


async def probe_once(host, port, path, tls_ctx, host_header):
    start = time.monotonic()
    writer = None
    try:
        async def exchange():
            nonlocal writer
            sock = make_socket("127.0.0.1")
            try:
                await asyncio.get_running_loop().sock_connect(sock, (host, port))
            except BaseException:
                sock.close()
                raise
            reader, writer = await asyncio.open_connection(
                sock=sock, ssl=tls_ctx, server_hostname=host if tls_ctx else None)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\n"
                         "Connection: close\r\nUser-Agent: stackwatch-attack-probe\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n")
            status = http_status(head)
            # Read the rest: the answer is only complete at the server's close.
            while await reader.read(65536):
                pass
            return status

        status = await asyncio.wait_for(exchange(), PROBE_TIMEOUT)
        elapsed = time.monotonic() - start
        if status is None:
            return elapsed, "bad response"
        if 200 <= status < 300:
            return elapsed, None
        return elapsed, f"status {status}"
    except asyncio.TimeoutError:
        return PROBE_TIMEOUT, "timeout"
    except asyncio.IncompleteReadError:
        return time.monotonic() - start, "closed without answer"
    except ConnectionRefusedError:
        return time.monotonic() - start, "connection refused"
    except ConnectionResetError:
        return time.monotonic() - start, "connection reset"
    except ssl.SSLError as e:
        return time.monotonic() - start, f"tls: {e.reason or e}"
    except OSError as e:
        return time.monotonic() - start, f"{type(e).__name__}: {e.strerror or e}"
    finally:
        if writer is not None:
            writer.transport.abort()


async def probe_loop(host, port, path, use_tls, host_header, warmup, duration):
    tls_ctx = client_tls_context() if use_tls else None
    await asyncio.sleep(warmup)
    start = time.monotonic()
    tasks = []
    i = 0
    while True:
        at = start + i * PROBE_INTERVAL
        if at - start >= duration:
            break
        delay = at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(probe_once(host, port, path, tls_ctx, host_header)))
        i += 1
    return await asyncio.gather(*tasks)


def probe_process(conn, host, port, path, use_tls, host_header, warmup, duration):
    try:
        results = asyncio.run(probe_loop(host, port, path, use_tls, host_header, warmup, duration))
        conn.send(("ok", results))
    except BaseException as e:  # report, never hang the parent
        conn.send(("error", repr(e)))
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# Attacks


class Attack:
    def __init__(self, args, host, port):
        self.args = args
        self.host = host
        self.port = port
        self.local = args.attack_address
        self.tls_ctx = client_tls_context() if args.tls else None
        self.stopping = False
        self.live = set()  # sockets of attack connections currently open
        self.opened = 0
        self.refused = 0
        self.closed = 0
        self.completed = 0  # churn: full answers read
        self.connect_timeouts = 0  # also counted in refused: e.g. the listen backlog is full
        self.errors = 0
        self.error_kinds = {}
        self.started = time.monotonic()

    def note_error(self, e):
        self.errors += 1
        key = type(e).__name__
        self.error_kinds[key] = self.error_kinds.get(key, 0) + 1

    def count_established(self):
        """Attack connections still ESTABLISHED; the others (e.g. CLOSE_WAIT: the server closed
        but a slow reader has not read up to the end yet) are counted as closed."""
        held = 0
        for sock in list(self.live):
            try:
                info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
            except OSError:
                continue
            if info[0] == TCP_ESTABLISHED:
                held += 1
            else:
                self.closed += 1
        return held

    async def open_plain(self, rcvbuf=None):
        """A connected socket, or None after counting why not."""
        try:
            return await connect_socket(self.host, self.port, self.local, CONNECT_TIMEOUT, rcvbuf)
        except ConnectionRefusedError:
            self.refused += 1
        except asyncio.TimeoutError:
            self.refused += 1
            self.connect_timeouts += 1
        except OSError as e:
            self.note_error(e)
        return None

    async def open_streams(self, sock, tls):
        """(reader, writer) over sock, TLS-wrapped when tls; None after counting a failure."""
        try:
            return await asyncio.wait_for(
                asyncio.open_connection(sock=sock, ssl=self.tls_ctx if tls else None,
                                        server_hostname=self.host if tls else None,
                                        limit=2 ** 16),
                CONNECT_TIMEOUT)
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, asyncio.IncompleteReadError):
            self.closed += 1
        except asyncio.TimeoutError:
            self.refused += 1
        except OSError as e:
            self.note_error(e)
        sock.close()
        return None

    async def watch_answer(self, reader):
        """Reads what the server sends until it closes; True when it was an HTTP error answer."""
        first = b""
        try:
            while True:
                data = await reader.read(4096)
                if not data:
                    break
                if len(first) < 16:
                    first += data
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            pass
        status = http_status(first)
        return status is not None and status >= 400

    async def hold(self, slot, send_loop, tls):
        """One connection slot: connect, run send_loop while watching for answers, repeat."""
        while not self.stopping:
            sock = await self.open_plain()
            if sock is not None:
                self.opened += 1
                self.live.add(sock)
                try:
                    await self.hold_once(slot, sock, send_loop, tls)
                finally:
                    self.live.discard(sock)
                    sock.close()
            await asyncio.sleep(RECONNECT_DELAY)

    async def hold_once(self, slot, sock, send_loop, tls):
        streams = await self.open_streams(sock, tls)
        if streams is None:
            return
        reader, writer = streams
        watcher = asyncio.create_task(self.watch_answer(reader))
        sender = asyncio.create_task(send_loop(slot, writer))
        try:
            await asyncio.wait({watcher, sender}, return_when=asyncio.FIRST_COMPLETED)
            if not watcher.done():
                # The sender failed: the server is gone or going; see what it said.
                await asyncio.wait({watcher}, timeout=1.0)
            if watcher.done():
                if watcher.result():
                    self.refused += 1
                else:
                    self.closed += 1
        finally:
            for t in (watcher, sender):
                t.cancel()
            await asyncio.gather(watcher, sender, return_exceptions=True)
            writer.transport.abort()

    # Send loops: return (or raise) when the connection can no longer be written.

    async def send_slowloris(self, slot, writer):
        path = self.args.attack_path or "/"
        writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n".encode())
        await writer.drain()
        trickle = b"X-a: b\r\n"
        i = 0
        while True:
            await asyncio.sleep(1.0)
            writer.write(trickle[i % len(trickle):i % len(trickle) + 1])
            await writer.drain()
            i += 1

    async def send_nothing(self, slot, writer):
        await asyncio.Future()  # forever, until cancelled

    # A TLS 1.2-style ClientHello record header announcing 512 bytes, and its first few.
    PARTIAL_CLIENT_HELLO = (b"\x16\x03\x01\x02\x00"     # handshake record, 512 bytes
                            b"\x01\x00\x01\xfc"         # ClientHello, 508 bytes
                            b"\x03\x03" + os.urandom(16))  # version, start of the random

    async def send_partial_hello(self, slot, writer):
        if slot % 2 == 0:
            writer.write(self.PARTIAL_CLIENT_HELLO)
            await writer.drain()
        await asyncio.Future()

    async def slow_reader(self, slot):
        path = self.args.attack_path or "/metrics"
        request = (f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n"
                   "User-Agent: stackwatch-attack-slow-reader\r\n\r\n").encode()
        while not self.stopping:
            sock = await self.open_plain(rcvbuf=1)  # the kernel rounds up to its minimum
            if sock is not None:
                self.opened += 1
                self.live.add(sock)
                try:
                    await self.slow_read_once(sock, request)
                finally:
                    self.live.discard(sock)
                    sock.close()
            await asyncio.sleep(RECONNECT_DELAY)

    async def slow_read_once(self, sock, request):
        writer = None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(sock=sock, ssl=self.tls_ctx,
                                        server_hostname=self.host if self.tls_ctx else None,
                                        limit=1),  # stop reading the socket at once
                CONNECT_TIMEOUT)
            writer.write(request)
            await writer.drain()
            # The status line at once, to see whether it was refused; then a byte a second.
            head = await reader.readexactly(12)
            status = http_status(head)
            if status is not None and status >= 400:
                self.refused += 1
                return
            while True:
                await asyncio.sleep(1.0)
                if not await reader.read(1):
                    self.closed += 1
                    return
        except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError, ssl.SSLError):
            self.closed += 1
        except asyncio.TimeoutError:
            self.refused += 1
        except OSError as e:
            self.note_error(e)
        finally:
            if writer is not None:
                writer.transport.abort()

    async def churn_one(self, request):
        loop = asyncio.get_running_loop()
        sock = await self.open_plain()
        if sock is None:
            return
        self.opened += 1
        self.live.add(sock)
        writer = None
        try:
            async def exchange():
                nonlocal writer
                if self.tls_ctx is None:
                    await loop.sock_sendall(sock, request)
                    first = b""
                    while True:
                        data = await loop.sock_recv(sock, 65536)
                        if not data:
                            return first
                        if len(first) < 16:
                            first += data
                reader, writer = await asyncio.open_connection(
                    sock=sock, ssl=self.tls_ctx, server_hostname=self.host)
                writer.write(request)
                await writer.drain()
                first = b""
                while True:
                    data = await reader.read(65536)
                    if not data:
                        return first
                    if len(first) < 16:
                        first += data

            first = await asyncio.wait_for(exchange(), PROBE_TIMEOUT)
            status = http_status(first)
            if status is None:
                self.closed += 1
            elif status >= 400:
                self.refused += 1
            else:
                self.completed += 1
        except (asyncio.TimeoutError, ConnectionResetError, BrokenPipeError, ssl.SSLError,
                asyncio.IncompleteReadError):
            self.closed += 1
        except OSError as e:
            self.note_error(e)
        finally:
            self.live.discard(sock)
            if writer is not None:
                writer.transport.abort()
            else:
                sock.close()

    async def churn(self, rate):
        path = self.args.probe_path
        request = (f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                   "Connection: close\r\nUser-Agent: stackwatch-attack-churn\r\n\r\n").encode()
        tick = 0.005
        per_tick = rate * tick
        max_in_flight = max(100, rate)  # do not pile up without end against a stalled server
        in_flight = set()
        start = time.monotonic()
        launched = 0
        while not self.stopping:
            due = int((time.monotonic() - start) * rate) - launched
            due = min(due, int(per_tick * 4) + 1)  # catch up, but not in one burst
            for _ in range(due):
                if len(in_flight) >= max_in_flight:
                    break
                t = asyncio.create_task(self.churn_one(request))
                in_flight.add(t)
                t.add_done_callback(in_flight.discard)
            launched += due  # a skipped connection is not made up later
            await asyncio.sleep(tick)
        for t in list(in_flight):
            t.cancel()

    def start(self, scenario, n):
        if scenario == "none":
            return []
        if scenario == "churn":
            return [asyncio.create_task(self.churn(n))]
        if scenario == "slow-reader":
            return [asyncio.create_task(self.slow_reader(i)) for i in range(n)]
        if scenario == "slowloris":
            return [asyncio.create_task(self.hold(i, self.send_slowloris, bool(self.tls_ctx)))
                    for i in range(n)]
        if scenario == "idle":
            return [asyncio.create_task(self.hold(i, self.send_nothing, False)) for i in range(n)]
        if scenario == "tls-handshake":
            return [asyncio.create_task(self.hold(i, self.send_partial_hello, False))
                    for i in range(n)]
        if scenario == "idle+slowloris":
            # n idle connections and a fifth as many slowloris ones, at once.
            return (self.start("idle", n) +
                    self.start("slowloris", max(1, n // 5)))
        raise AssertionError(scenario)


# --------------------------------------------------------------------------------------------


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(k)]


def start_probe_process(args, host, port, host_header):
    """Forked before any event loop runs in this process (3.11 would carry it into the child)."""
    ctx = multiprocessing.get_context("fork")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=probe_process, daemon=True,
                       args=(child_conn, host, port, args.probe_path, args.tls, host_header,
                             args.warmup, args.duration))
    proc.start()
    child_conn.close()
    return proc, parent_conn


async def run(args, host, port, proc, parent_conn):
    loop = asyncio.get_running_loop()
    attack = Attack(args, host, port)
    tasks = attack.start(args.scenario, args.connections)

    done = loop.create_future()

    def readable():
        if not done.done():
            done.set_result(None)
    loop.add_reader(parent_conn.fileno(), readable)
    try:
        await done
    finally:
        loop.remove_reader(parent_conn.fileno())
    held = attack.count_established()
    attack.stopping = True
    try:
        kind, payload = parent_conn.recv()
    except EOFError:
        kind, payload = "error", "the probe process died"
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for sock in list(attack.live):
        sock.close()
    proc.join(5)
    if kind != "ok":
        raise RuntimeError(f"probe loop failed: {payload}")

    latencies = sorted(r[0] * 1000.0 for r in payload)
    failure_kinds = {}
    for _, why in payload:
        if why is not None:
            failure_kinds[why] = failure_kinds.get(why, 0) + 1
    elapsed = time.monotonic() - attack.started
    summary = {
        "scenario": args.scenario,
        "probes": len(payload),
        "failures": sum(failure_kinds.values()),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(latencies[-1], 2) if latencies else 0.0,
        "attack_open": held,
        "attack_refused": attack.refused,
        "attack_closed": attack.closed,
        # Extras, for context.
        "target": args.target,
        "attack_connections": args.connections,
        "attack_opened": attack.opened,
        "attack_connect_timeouts": attack.connect_timeouts,
        "attack_errors": attack.errors,
        "failure_kinds": failure_kinds,
    }
    if args.scenario == "churn":
        summary["attack_completed"] = attack.completed
        summary["attack_rate_per_s"] = round(attack.opened / elapsed, 1) if elapsed > 0 else 0.0
    if attack.error_kinds:
        summary["attack_error_kinds"] = attack.error_kinds
    return summary


def print_summary(s):
    print(f"scenario {s['scenario']} against {s['target']}"
          f" ({s['attack_connections']} attack connections"
          f"{' a second' if s['scenario'] == 'churn' else ''})")
    print(f"  probes:   {s['probes']} sent, {s['failures']} failed"
          + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(s["failure_kinds"].items())) + ")"
             if s["failure_kinds"] else ""))
    print(f"  latency:  p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, max {s['max_ms']:.1f} ms")
    line = (f"  attack:   {s['attack_open']} open at the end, {s['attack_opened']} opened, "
            f"{s['attack_refused']} refused ({s['attack_connect_timeouts']} connect timeouts), "
            f"{s['attack_closed']} closed by the server")
    if s["attack_errors"]:
        line += f", {s['attack_errors']} errors {s.get('attack_error_kinds', {})}"
    print(line)
    if s["scenario"] == "churn":
        print(f"  churn:    {s['attack_completed']} answered, {s['attack_rate_per_s']} connections/s made")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True, help="http://HOST:PORT (or https:// for --tls)")
    parser.add_argument("--probe-path", required=True, help="path probed every 20 ms, e.g. /health/live")
    parser.add_argument("--scenario", required=True, choices=SCENARIOS)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of probing (default 10)")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="seconds the attack runs before the probes start (default 1)")
    parser.add_argument("--attack-address", default="127.0.0.2",
                        help="local address the attack connections come from (default 127.0.0.2)")
    parser.add_argument("--connections", type=int,
                        help="attack connections (churn: connections a second); default per scenario")
    parser.add_argument("--attack-path", help="path for slowloris (default /) and slow-reader (default /metrics)")
    parser.add_argument("--tls", action="store_true", help="the server speaks TLS (verification off)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--expect-p99-ms", type=float,
                        help="exit 1 unless p99 <= this and no probe failed")
    args = parser.parse_args(argv)

    url = urllib.parse.urlsplit(args.target)
    if url.scheme not in ("http", "https") or not url.hostname:
        parser.error(f"--target must be http://HOST:PORT, not {args.target!r}")
    if url.scheme == "https":
        args.tls = True
    try:
        port = url.port or (443 if args.tls else 80)
    except ValueError:
        parser.error(f"--target has a bad port: {args.target!r}")
    if not args.probe_path.startswith("/"):
        parser.error("--probe-path must start with /")
    if args.attack_path is not None and not args.attack_path.startswith("/"):
        parser.error("--attack-path must start with /")
    if args.duration <= 0 or args.warmup < 0:
        parser.error("--duration must be > 0 and --warmup >= 0")
    if args.scenario == "tls-handshake" and not args.tls:
        parser.error("the tls-handshake scenario needs a TLS server: add --tls")
    if args.connections is None:
        args.connections = DEFAULT_CONNECTIONS[args.scenario]
    if args.connections < 0 or (args.connections == 0 and args.scenario != "none"):
        parser.error("--connections must be positive")
    try:
        infos = socket.getaddrinfo(url.hostname, port, socket.AF_INET, socket.SOCK_STREAM)
    except socket.gaierror as e:
        parser.error(f"cannot resolve {url.hostname}: {e}")
    host = infos[0][4][0]
    try:
        make_socket(args.attack_address).close()
    except OSError as e:
        parser.error(f"cannot bind --attack-address {args.attack_address}: {e.strerror}")
    host_header = f"{url.hostname}:{port}"
    return args, parser, host, port, host_header


def main(argv=None):
    args, parser, host, port, host_header = parse_args(sys.argv[1:] if argv is None else argv)
    nofile = raise_nofile_limit()
    need = args.connections + 200 if args.scenario != "churn" else 2 * args.connections + 200
    if nofile < need:
        parser.error(f"RLIMIT_NOFILE is {nofile}, the scenario needs about {need}")
    proc, parent_conn = start_probe_process(args, host, port, host_header)
    try:
        summary = asyncio.run(run(args, host, port, proc, parent_conn))
    except KeyboardInterrupt:
        proc.kill()
        return 130
    except RuntimeError as e:
        print(f"attack.py: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, sort_keys=False))
    else:
        print_summary(summary)
    if args.expect_p99_ms is not None:
        problems = []
        if summary["failures"]:
            problems.append(f"{summary['failures']} of {summary['probes']} probes failed "
                            f"({', '.join(f'{k}: {v}' for k, v in sorted(summary['failure_kinds'].items()))})")
        if summary["p99_ms"] > args.expect_p99_ms:
            problems.append(f"p99 {summary['p99_ms']:.1f} ms > expected {args.expect_p99_ms:g} ms")
        if problems:
            print(f"FAIL [{args.scenario} against {args.target}]: " + "; ".join(problems), file=sys.stderr)
            return 1
        print(f"OK [{args.scenario} against {args.target}]: p99 {summary['p99_ms']:.1f} ms "
              f"<= {args.expect_p99_ms:g} ms, no failed probes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
