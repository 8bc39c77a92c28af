"""Intake throughput through the native API: gunicorn on PostgreSQL, C clients for S seconds.

Creates a throwaway database (unless --database-url), migrates, adds one catalogue leaf, issues
an API key, starts `minsheng serve` on a free loopback port, and has C threads POST new tickets
over keep-alive connections, each with its own Idempotency-Key. Afterwards every acknowledged
ticket must exist exactly once. Progress goes to stderr; the last stdout line is one JSON object.

    .venv/bin/python benchmarks/intake_load.py --seconds 30 --clients 16 --workers 2 --threads 8
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
from urllib.parse import urlsplit

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
    """Migrate, add the catalogue leaf the clients file under, issue the key; returns the key."""
    minsheng("migrate", "--noinput", "-v0", env=env)
    script = (
        "from minsheng.taxonomy.models import Category\n"
        "from minsheng.sla.models import DeadlinePolicy\n"
        "from minsheng.accounts import keys\n"
        "group, _ = Category.objects.get_or_create(code='CG', defaults={'name': '城市管理'})\n"
        "Category.objects.get_or_create(code='CG-NOISE', defaults={'name': '噪音扰民', "
        "'parent': group, 'policy': DeadlinePolicy.objects.get(code='general')})\n"
        "name = 'intake-load-' + __import__('uuid').uuid4().hex[:6]\n"
        "print(keys.issue(name, scopes=['api'])[1])\n"
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


class Client(threading.Thread):
    """One partner system posting tickets back to back on a keep-alive connection."""

    def __init__(self, port: int, key: str, stop_at: float, warm_until: float) -> None:
        super().__init__(daemon=True)
        self.port, self.key, self.stop_at, self.warm_until = port, key, stop_at, warm_until
        self.latencies: list[float] = []
        self.acknowledged: list[tuple[str, str]] = []  # (idempotency key, ticket number)
        self.failures: dict[str, int] = {}
        self.rng = random.Random()

    def body(self, marker: str) -> bytes:
        return json.dumps(
            {
                "phone": f"139{self.rng.randrange(10**8):08d}",
                "request_type": "complaint",
                "category": "CG-NOISE",
                "description": f"夜间施工噪音扰民（压测 {marker}）",
                "address": "鼓楼区东街88号",
            },
            ensure_ascii=False,
        ).encode()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while (started := time.monotonic()) < self.stop_at:
            marker = uuid.uuid4().hex
            headers = {
                "Authorization": f"Bearer {self.key}",
                "Idempotency-Key": marker,
                "Content-Type": "application/json",
            }
            try:
                conn.request("POST", "/api/v1/tickets", body=self.body(marker), headers=headers)
                response = conn.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.failures[type(error).__name__] = self.failures.get(type(error).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            elapsed = time.monotonic() - started
            if response.status == 201:
                self.acknowledged.append((marker, json.loads(content)["number"]))
                if started >= self.warm_until:
                    self.latencies.append(elapsed)
            else:
                self.failures[str(response.status)] = self.failures.get(str(response.status), 0) + 1
        conn.close()


def check(env: dict[str, str], acknowledged: list[tuple[str, str]]) -> dict[str, int]:
    """Count acknowledged tickets missing from the database, and tickets stored twice."""
    path = Path(env["MINSHENG_BENCH_ACKS"])
    path.write_text(json.dumps(acknowledged))
    script = (
        "import json, re, collections\n"
        "from minsheng.tickets.models import Ticket\n"
        f"acks = json.loads(open({str(path)!r}).read())\n"
        "rows = list(Ticket.objects.values_list('number', 'description'))\n"
        "markers = collections.Counter(re.search(r'压测 (\\w+)', d).group(1) for _, d in rows)\n"
        "by_number = {n: re.search(r'压测 (\\w+)', d).group(1) for n, d in rows}\n"
        "lost = sum(1 for m, n in acks if by_number.get(n) != m)\n"
        "duplicated = sum(c - 1 for c in markers.values() if c > 1)\n"
        "print(json.dumps({'lost': lost, 'duplicated': duplicated, 'stored': len(rows)}))\n"
    )
    return json.loads(minsheng("shell", "-c", script, env=env))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
        stop_at = warm_until + args.seconds
        clients = [Client(port, key, stop_at, warm_until) for _ in range(args.clients)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
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
            "tickets_per_second": round(len(latencies) / args.seconds, 1),
            "p50_ms": round(quantiles[49] * 1000, 1),
            "p99_ms": round(quantiles[98] * 1000, 1),
            "acknowledged": len(acknowledged),
            "lost": verdict["lost"],
            "duplicated": verdict["duplicated"],
            "stored": verdict["stored"],
            "errors": failures,
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
