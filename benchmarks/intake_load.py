"""Intake throughput through a door (the native API or Open311): gunicorn on PostgreSQL, C
clients for S seconds.

Creates a throwaway database (unless --database-url), migrates, loads the demo city's units and
catalogue (their boundaries are what an Open311 map point is checked against), issues a key,
starts `minsheng serve` on a free loopback port, and has C threads POST new tickets over
keep-alive connections: to /api/v1/tickets, each with its own Idempotency-Key, or to
/open311/v2/requests.json as a form with a map point in the city. Afterwards every acknowledged
ticket must exist exactly once. Progress goes to stderr; the last stdout line is one JSON object.

    .venv/bin/python benchmarks/intake_load.py --door api --seconds 30 --clients 16
    .venv/bin/python benchmarks/intake_load.py --door open311 --seconds 30 --clients 16
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_sql(url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def minsheng(*argv: str, env: dict[str, str]) -> str:
    """Run a minsheng command against the benchmark database; returns its last output line."""
    done = subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [str(BIN / "minsheng"), *argv],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def prepare(env: dict[str, str]) -> str:
    """Migrate, load the demo city's reference data (units with boundaries, the catalogue),
    issue the key; returns the key."""
    minsheng("migrate", "--noinput", "-v0", env=env)
    minsheng("load_demo", "--no-history", "--no-programmes", env=env)
    script = (
        "from minsheng.accounts import keys\n"
        "name = 'intake-load-' + __import__('uuid').uuid4().hex[:6]\n"
        "print(keys.issue(name, scopes=['api', 'open311'])[1])\n"
    )
    return minsheng("shell", "-c", script, env=env)


def wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not come up")


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the processes of one process group (the
    server's master and workers), read from /proc; 0 where /proc is not there."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, …
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Client(threading.Thread):
    """One partner system posting tickets back to back on a keep-alive connection."""

    def __init__(self, door: str, port: int, key: str, stop_at: float, warm_until: float) -> None:
        super().__init__(daemon=True)
        self.door, self.port, self.key = door, port, key
        self.stop_at, self.warm_until = stop_at, warm_until
        self.latencies: list[float] = []
        self.acknowledged: list[tuple[str, str]] = []  # (idempotency key, ticket number)
        self.failures: dict[str, int] = {}
        self.samples: dict[str, str] = {}  # the first answer of each refused status
        self.rng = random.Random()

    def body(self, marker: str) -> bytes:
        return json.dumps(
            {
                "phone": f"139{self.rng.randrange(10**8):08d}",
                "request_type": "complaint",
                "category": "CG04",
                "description": f"夜间施工噪音扰民（压测 {marker}）",
                "address": "鼓楼区东街88号",
            },
            ensure_ascii=False,
        ).encode()

    def open311_form(self, marker: str) -> bytes:
        return urlencode(
            {
                "api_key": self.key,
                "service_code": "CG04",
                "phone": f"139{self.rng.randrange(10**8):08d}",
                "description": f"夜间施工噪音扰民（压测 {marker}）",
                "address_string": "鼓楼区东街88号",
                "attribute[period]": "night",
                # a point in 鼓楼区, checked against the city's outline and its units' areas
                "lat": f"{26.080 + self.rng.random() * 0.01:.6f}",
                "long": f"{119.290 + self.rng.random() * 0.01:.6f}",
            }
        ).encode()

    def request(self, marker: str) -> tuple[str, bytes, dict[str, str]]:
        if self.door == "open311":
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            return "/open311/v2/requests.json", self.open311_form(marker), form
        headers = {
            "Authorization": f"Bearer {self.key}",
            "Idempotency-Key": marker,
            "Content-Type": "application/json",
        }
        return "/api/v1/tickets", self.body(marker), headers

    def number(self, content: bytes) -> str:
        answer = json.loads(content)
        return str(answer[0]["service_request_id"] if self.door == "open311" else answer["number"])

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while (started := time.monotonic()) < self.stop_at:
            marker = uuid.uuid4().hex
            path, body, headers = self.request(marker)
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.failures[type(error).__name__] = self.failures.get(type(error).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            elapsed = time.monotonic() - started
            if response.status in (200, 201):
                self.acknowledged.append((marker, self.number(content)))
                if started >= self.warm_until:
                    self.latencies.append(elapsed)
            else:
                self.failures[str(response.status)] = self.failures.get(str(response.status), 0) + 1
                if str(response.status) not in self.samples:
                    self.samples[str(response.status)] = content[:300].decode(errors="replace")
        conn.close()


def check(env: dict[str, str], acknowledged: list[tuple[str, str]]) -> dict[str, int]:
    """Count acknowledged tickets missing from the database, and tickets stored twice."""
    path = Path(env["MINSHENG_BENCH_ACKS"])
    path.write_text(json.dumps(acknowledged))
    script = (
        "import json, re, collections\n"
        "from minsheng.tickets.models import Ticket\n"
        f"acks = json.loads(open({str(path)!r}).read())\n"
        "rows = list(Ticket.objects.filter(description__contains='压测 ')"
        ".values_list('number', 'description'))\n"
        "markers = collections.Counter(re.search(r'压测 (\\w+)', d).group(1) for _, d in rows)\n"
        "by_number = {n: re.search(r'压测 (\\w+)', d).group(1) for n, d in rows}\n"
        "lost = sum(1 for m, n in acks if by_number.get(n) != m)\n"
        "duplicated = sum(c - 1 for c in markers.values() if c > 1)\n"
        "print(json.dumps({'lost': lost, 'duplicated': duplicated, 'stored': len(rows)}))\n"
    )
    return json.loads(minsheng("shell", "-c", script, env=env))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--door", choices=["api", "open311"], default="api")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--warmup", type=float, default=2, help="seconds not timed")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    throwaway = not args.database_url
    url = args.database_url or (
        f"postgres://postgres@127.0.0.1:5432/minsheng_bench_{uuid.uuid4().hex[:8]}"
    )
    name = urlsplit(url).path.lstrip("/")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MINSHENG_SECRET_KEY": "benchmark-only",
        "MINSHENG_DEBUG": "0",
        "MINSHENG_LOG_LEVEL": "WARNING",
        "MINSHENG_BENCH_ACKS": tempfile.mkstemp(prefix="intake_load_", suffix=".json")[1],
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    server = None
    try:
        if throwaway:
            log(f"creating database {name}")
            admin_sql(url, f'CREATE DATABASE "{name}"')
        log("migrating and issuing a key")
        key = prepare(env)
        port = free_port()
        log(f"starting minsheng serve on 127.0.0.1:{port} ({args.workers} workers)")
        server = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(BIN / "minsheng"),
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_up(port, time.monotonic() + 60)
        log(f"{args.clients} clients for {args.seconds:g} s (+{args.warmup:g} s warm-up)")
        start = time.monotonic()
        warm_until = start + args.warmup
        server_cpu, client_cpu = group_cpu_seconds(server.pid), time.process_time()
        stop_at = warm_until + args.seconds
        clients = [Client(args.door, port, key, stop_at, warm_until) for _ in range(args.clients)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        server_cpu = group_cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        latencies = sorted(x for c in clients for x in c.latencies)
        acknowledged = [a for c in clients for a in c.acknowledged]
        failures: dict[str, int] = {}
        for c in clients:
            for k, v in c.failures.items():
                failures[k] = failures.get(k, 0) + v
        log(f"{len(acknowledged)} acknowledged; checking the database")
        verdict = check(env, acknowledged)
        quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
        result = {
            "door": args.door,
            "tickets_per_second": round(len(latencies) / args.seconds, 1),
            "p50_ms": round(quantiles[49] * 1000, 1),
            "p99_ms": round(quantiles[98] * 1000, 1),
            "acknowledged": len(acknowledged),
            "lost": verdict["lost"],
            "duplicated": verdict["duplicated"],
            "stored": verdict["stored"],
            # CPU per acknowledged ticket, warm-up included: what the figure costs the machine
            # whatever else runs on it (the database's share is not counted)
            "server_cpu_ms_per_ticket": round(1000 * server_cpu / max(len(acknowledged), 1), 2),
            "client_cpu_ms_per_ticket": round(1000 * client_cpu / max(len(acknowledged), 1), 2),
            "load_average": round(os.getloadavg()[0], 2),
            "errors": failures,
            "error_samples": {k: v for c in clients for k, v in c.samples.items()},
            "clients": args.clients,
            "workers": args.workers,
            "threads": args.threads,
            "seconds": args.seconds,
        }
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        Path(env["MINSHENG_BENCH_ACKS"]).unlink(missing_ok=True)
        if throwaway:
            log(f"dropping database {name}")
            admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
