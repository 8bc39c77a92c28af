"""Meter readings over the real MQTT broker into PostgreSQL, judged by a running worker.

    .venv/bin/python benchmarks/eldercare_ingest.py --meters 100000 --slots 49

Creates a throwaway database (or uses `--database-url`), enrols `--meters` water meters that
report every half hour (one household each, under one community; the policy files the urgent
ticket at once, staff first), starts `minsheng worker` with MINSHENG_MQTT_URL (its MQTT
subscriber and its judge), and publishes `--slots` half-hours of readings for every meter at
QoS 1 as fast as the worker takes them (never more than 800 ahead: Mosquitto drops what it
queues for a client beyond `max_queued_messages`, 1000 by default). 1 % of the elders use no
water at all, so the 49th half-hour completes their 24-hour window. It reports the readings
stored per second (publish of the first to the last one stored), the time from publishing each
alarm household's last reading to its ticket (p50, p99), and readings lost (published but never
stored). A day of 100,000 meters × 48 readings needs 56 readings a second on average. Needs
Mosquitto; the last stdout line is one JSON object.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import throwaway  # benchmarks/throwaway.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TZ = ZoneInfo("Asia/Shanghai")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=100_000)
    parser.add_argument("--slots", type=int, default=49, help="half-hours published per meter")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--small", action="store_true", help="200 meters (CI)")
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    if args.small:
        args.meters = 200
    os.environ.setdefault("MINSHENG_MQTT_URL", "mqtt://127.0.0.1:1883")
    with throwaway.database(args.database_url, prefix="minsheng_bench_ec") as url:
        result = run(url, args)
    print(json.dumps(result, ensure_ascii=False))


def setup(meters: int) -> list[str]:
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("eldercare_ingest.py measures PostgreSQL; give a postgres:// URL")
    log("migrating …")
    call_command("migrate", verbosity=0)
    from minsheng.eldercare.models import Household, Meter, Policy
    from minsheng.orgs.models import Unit

    city = Unit.objects.create(code="3501", name="福州市", kind=Unit.Kind.CITY)
    street = Unit.objects.create(
        code="350102001", name="鼓东街道", kind=Unit.Kind.STREET, parent=city
    )
    community = Unit.objects.create(
        code="350102001001", name="东街社区", kind=Unit.Kind.COMMUNITY, parent=street
    )
    Policy.objects.create(unit=None, preset="zhongshan", mode=Policy.Mode.STAFF_FIRST)
    log(f"enrolling {meters} meters …")
    now = datetime.now(TZ)
    codes = [f"B{n:06d}" for n in range(meters)]
    for start in range(0, meters, 5000):
        chunk = codes[start : start + 5000]
        with transaction.atomic():
            homes = Household.objects.bulk_create(
                Household(
                    code=f"H{c}",
                    name="老人",
                    address=f"东街{c}号",
                    unit=community,
                    consent_by="本人",
                    consent_at=now,
                    consent_how="压测",
                    enrolled_at=now,
                )
                for c in chunk
            )
            Meter.objects.bulk_create(
                Meter(code=c, household=h, kind="water", report_minutes=30)
                for c, h in zip(chunk, homes, strict=True)
            )
    return codes


def run(url: str, args: argparse.Namespace) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MINSHENG_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("MINSHENG_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from minsheng.eldercare import mqtt
    from minsheng.eldercare.models import Alarm, Meter, Reading

    if not mqtt.wait_for_broker(2.0):
        raise SystemExit(f"no MQTT broker at {mqtt.url()}")
    codes = setup(args.meters)
    quiet = set(codes[::100])  # 1 % use no water
    session = f"minsheng-bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "MINSHENG_DEMO": "0",
        "MINSHENG_MQTT_CLIENT_ID": session,
        "MINSHENG_MQTT_GROUP": session,
    }
    # The worker's session exists before the first reading, as in a deployment where the
    # worker runs before the meters publish: the broker queues for it from now on.
    early = mqtt.connect(session, clean=False)
    early.loop_start()
    early.subscribe(f"$share/{session}/{mqtt.TOPIC}", qos=1)
    time.sleep(1)
    early.loop_stop()
    early.disconnect()
    command = str(Path(sys.executable).parent / "minsheng")
    worker = subprocess.Popen(  # noqa: S603 - our own command
        [command, "worker", "--interval", "0.2", "--limit", "500"],
        cwd=ROOT,
        env=env,
    )
    try:
        client = mqtt.connect(f"minsheng-bench-{uuid.uuid4().hex[:8]}")
        client.loop_start()
        start = datetime.now(TZ).replace(second=0, microsecond=0) - timedelta(
            minutes=30 * args.slots
        )
        published = 0
        times: list[datetime] = []
        last_sent: dict[str, float] = {}
        began = time.monotonic()
        log(f"publishing {args.slots} half-hours for {args.meters} meters …")
        for slot in range(args.slots):
            times.append(start + timedelta(minutes=30 * slot))
            at = times[-1].isoformat()
            infos = []
            for n, code in enumerate(codes):
                use = 0.0 if code in quiet else (0.012 if (slot + n) % 3 == 0 else 0.0)
                value = round(100 + use * slot, 4)
                infos.append(mqtt.publish(client, code, {"at": at, "value": value}))
                if code in quiet:
                    last_sent[code] = time.time()
            for info in infos:
                info.wait_for_publish(30)
            published += len(infos)
            # Mosquitto drops what it queues for a client beyond max_queued_messages (1000 by
            # default): publish no further ahead of the worker than that, as staggered meters do.
            while (
                Reading.objects.count() < published - 800
                and time.monotonic() - began < args.timeout
            ):
                time.sleep(0.05)
        client.loop_stop()
        client.disconnect()
        sent_at = time.monotonic()
        log(f"published {published} readings in {sent_at - began:.1f} s; waiting for the worker …")
        deadline = time.monotonic() + args.timeout
        stored = 0
        while time.monotonic() < deadline:
            stored = Reading.objects.count()
            if stored >= published:
                break
            time.sleep(0.5)
        stored_at = time.monotonic()
        # a quiet elder's 24-hour window completes with the 49th half-hour
        expected = len(quiet) if args.slots >= 49 else 0
        while time.monotonic() < deadline:
            judged = not Meter.objects.filter(dirty_from__isnull=False).exists()
            tickets = Alarm.objects.filter(ticket__isnull=False).count()
            if judged and tickets >= expected:
                break
            time.sleep(0.5)
        judged_at = time.monotonic()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        mqtt.connect(session, clean=True).disconnect()  # drop the worker's session
    # what was published and stored (another publisher on a shared broker may add readings)
    kept = Reading.objects.filter(meter__code__in=codes, at__in=times).count()
    latencies = [
        received.timestamp() - last_sent[code]
        for code, received in Alarm.objects.filter(ticket__isnull=False).values_list(
            "meter__code", "ticket__received_at"
        )
        if code in last_sent
    ]
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else None
    return {
        "meters": args.meters,
        "slots": args.slots,
        "published": published,
        "stored": stored,
        "lost": published - kept,
        "extra": stored - kept,
        "readings_per_second": round(stored / (stored_at - began), 1),
        "seconds_to_store": round(stored_at - began, 1),
        "seconds_to_judge": round(judged_at - began, 1),
        "alarms_expected": len(quiet) if args.slots >= 49 else 0,
        "tickets": len(latencies),
        "p50_reading_to_ticket_s": round(statistics.median(latencies), 2) if latencies else None,
        "p99_reading_to_ticket_s": round(p99, 2) if p99 is not None else None,
        "day_of_100000_meters_minutes": round(
            100_000 * 48 / (stored / (judged_at - began)) / 60, 1
        ),
    }


if __name__ == "__main__":
    main()
