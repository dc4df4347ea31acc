#!/usr/bin/python3
"""Both real servers under hostile clients: each attack of attack.py runs against
stackwatch-exporter and stackwatch-ruler (plain, and TLS for the handshake attack) while a probe
loop asks the health endpoint; every probe must be answered, and the attack's connections must
really have been held (a server that refused them all would pass the probes for the wrong
reason).

The bound on the probes' p99 (--p99-ms, 500 by default) separates "answered" from "blocked": a
blocked server times the probes out at 2 s. How fast the answers are, beside Prometheus and
postgres_exporter, is bench/http's job.

  attacks_test.py --bin-dir build/bin [--duration 4] [--p99-ms 500]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ATTACK = os.path.join(HERE, "attack.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url, process, log_path, tls):
    import ssl
    context = ssl._create_unverified_context() if tls else None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}:\n" +
                               open(log_path).read()[-2000:])
        try:
            with urllib.request.urlopen(url, timeout=1, context=context) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up in 30 s")


class Servers:
    """The exporter and the ruler, plain or with TLS, on free loopback ports."""

    def __init__(self, bin_dir, work):
        self.bin_dir = bin_dir
        self.work = work
        self.processes = []

    def tls_config(self):
        path = os.path.join(self.work, "web-tls.yml")
        if not os.path.exists(path):
            cert = os.path.join(self.work, "cert.pem")
            key = os.path.join(self.work, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                            "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            with open(path, "w") as f:
                f.write(f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n")
        return path

    def start(self, program, tls):
        port = free_port()
        name = f"{program}{'-tls' if tls else ''}"
        directory = os.path.join(self.work, name)
        os.makedirs(directory)
        # The attack comes from one address; the default per-client cap (1024) would refuse part
        # of it, and this test is about holding them all.
        args = [os.path.join(self.bin_dir, f"stackwatch-{program}"),
                f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
                "--web.max-connections-per-client=2000"]
        if program == "ruler":
            config = os.path.join(directory, "ruler.yml")
            with open(config, "w") as f:
                f.write("rule_files: []\n")
            args += [f"--config.file={config}",
                     f"--storage.state-path={os.path.join(directory, 'state.db')}"]
            probe = "/-/healthy"
        else:
            probe = "/health/live"
        if tls:
            args.append(f"--web.config.file={self.tls_config()}")
        log_path = os.path.join(directory, "log")
        log = open(log_path, "w")
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=directory)
        self.processes.append(process)
        url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        wait_until_up(url + probe, process, log_path, tls)
        return name, url, probe, process

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def attack(url, probe, scenario, duration, extra=()):
    command = ["/usr/bin/python3", ATTACK, "--target", url, "--probe-path", probe,
               "--scenario", scenario, "--duration", str(duration), "--attack-address",
               "127.0.0.2", "--json", *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    if done.returncode == 2:
        raise RuntimeError(f"attack.py usage error: {done.stderr}")
    return json.loads(done.stdout)


# scenario, extra arguments, how many attack connections must have been held at the end
PLAIN = [
    ("idle+slowloris", ["--connections", "1000"], 1200),
    ("slow-reader", ["--attack-path", "/metrics"], 50),
    ("churn", [], 0),
]
TLS = [("tls-handshake", [], 200)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--duration", type=float, default=4)
    parser.add_argument("--p99-ms", type=float, default=500)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="stackwatch-attacks-")
    servers = Servers(args.bin_dir, work)
    problems = []
    rows = []
    try:
        for program in ("exporter", "ruler"):
            for tls, scenarios in ((False, PLAIN), (True, TLS)):
                name, url, probe, process = servers.start(program, tls)
                for scenario, extra, must_hold in scenarios:
                    result = attack(url, probe, scenario, args.duration, extra)
                    rows.append((name, scenario, result))
                    where = f"{name} under {scenario}"
                    if process.poll() is not None:
                        problems.append(f"{where}: the server died ({process.returncode})")
                    if result["failures"]:
                        problems.append(f"{where}: {result['failures']} of {result['probes']} "
                                        f"probes failed {result.get('failure_kinds')}")
                    if result["p99_ms"] > args.p99_ms:
                        problems.append(f"{where}: probe p99 {result['p99_ms']} ms > "
                                        f"{args.p99_ms} ms")
                    if result["attack_open"] < must_hold:
                        problems.append(f"{where}: only {result['attack_open']} of {must_hold} "
                                        "attack connections were held")
                    if scenario == "churn" and result.get("attack_completed", 0) == 0:
                        problems.append(f"{where}: no short-lived connection was answered")
    finally:
        servers.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"{'server':<14} {'attack':<15} {'probes':>6} {'failed':>6} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'max ms':>7} {'held':>5}")
    for name, scenario, r in rows:
        print(f"{name:<14} {scenario:<15} {r['probes']:>6} {r['failures']:>6} {r['p50_ms']:>7} "
              f"{r['p99_ms']:>7} {r['max_ms']:>7} {r['attack_open']:>5}")
    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
