"""Readings over MQTT (paho-mqtt against a real broker), run by `minsheng worker`.

Topic `minsheng/meters/<meter>/readings`, QoS 1, payload `{"at", "value"}` or a daily batch
`{"readings": [...]}`. Messages are acknowledged to the broker only after their readings are
committed (manual acks, a persistent session), so a worker killed mid-batch loses nothing: the
broker sends the unacknowledged messages again, and storing them again changes nothing.
Several workers share the subscription (`$share/…`). The demo's simulated meters publish
through the same broker (`simulate`).
"""

import json
import logging
import os
import queue
import random
import socket
import threading
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as paho
from django.db import close_old_connections
from django.utils import timezone
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from minsheng.eldercare import alarms, readings, simulator

logger = logging.getLogger("minsheng.eldercare.mqtt")
DEFAULT_URL = "mqtt://127.0.0.1:1883"
TOPIC = "minsheng/meters/+/readings"
SESSION_SECONDS = 3600  # the broker keeps a stopped worker's messages this long
BATCH = 500
DEMO_PREFIX = "DEMO-"


def url() -> str:
    return os.environ.get("MINSHENG_MQTT_URL", "") or DEFAULT_URL


def _demo() -> bool:
    return os.environ.get("MINSHENG_DEMO", "").lower() in {"1", "true", "yes", "on"}


def enabled() -> bool:
    """The subscriber runs when this deployment names a broker (MINSHENG_MQTT_URL), or in the
    demo when a broker answers at the default address."""
    return bool(os.environ.get("MINSHENG_MQTT_URL")) or (_demo() and wait_for_broker(0.5))


def simulating() -> bool:
    """The demo's meters are fed when the demo runs with a broker."""
    return _demo() and enabled()


def topic_for(meter: str) -> str:
    return f"minsheng/meters/{meter}/readings"


def meter_of(topic: str) -> str | None:
    parts = topic.split("/")
    if len(parts) == 4 and parts[:2] == ["minsheng", "meters"] and parts[3] == "readings":
        return parts[2]
    return None


def connect(client_id: str, *, clean: bool = True) -> paho.Client:
    """A connected MQTT 5 client for the configured broker (mqtt://user:password@host:port).
    `clean=False`: the broker keeps the session (and queues QoS 1 messages) for
    SESSION_SECONDS after a disconnect, so a restarted worker gets what arrived meanwhile, and a
    worker that never returns does not hold messages for ever."""
    where = urlparse(url())
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5
    )
    if where.username:
        client.username_pw_set(where.username, where.password)
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 0 if clean else SESSION_SECONDS
    properties.ReceiveMaximum = BATCH  # unacknowledged messages the broker may send at once
    client.connect(
        where.hostname or "127.0.0.1",
        where.port or 1883,
        keepalive=30,
        clean_start=clean,
        properties=properties,
    )
    return client


def subscribe(
    stop: threading.Event, *, client_id: str | None = None, group: str | None = None
) -> None:
    """Receive readings until `stop` is set, storing them in batches of up to BATCH. Workers
    share the subscription (MINSHENG_MQTT_GROUP); each keeps its own session
    (MINSHENG_MQTT_CLIENT_ID, by default one per host)."""
    inbox: queue.Queue[paho.MQTTMessage] = queue.Queue()
    name = (
        client_id
        or os.environ.get("MINSHENG_MQTT_CLIENT_ID")
        or (f"minsheng-eldercare-{socket.gethostname()}")
    )
    shared = (
        f"$share/{group or os.environ.get('MINSHENG_MQTT_GROUP') or 'minsheng-eldercare'}/{TOPIC}"
    )
    client = connect(name, clean=False)
    client.manual_ack_set(True)
    client.on_message = lambda _c, _u, message: inbox.put(message)
    client.on_connect = lambda c, _u, _f, rc, _p: c.subscribe(shared, qos=1)
    client.subscribe(shared, qos=1)
    client.loop_start()
    logger.info("listening on %s (%s)", url(), TOPIC)
    try:
        while not stop.is_set():
            batch = _drain(inbox, timeout=0.2)
            if batch:
                store(batch, client)
    finally:
        client.loop_stop()
        client.disconnect()
        close_old_connections()


def _drain(inbox: "queue.Queue[paho.MQTTMessage]", *, timeout: float) -> list[paho.MQTTMessage]:
    try:
        batch = [inbox.get(timeout=timeout)]
    except queue.Empty:
        return []
    while len(batch) < BATCH:
        try:
            batch.append(inbox.get_nowait())
        except queue.Empty:
            break
    return batch


def store(
    batch: list[paho.MQTTMessage], client: paho.Client | None = None
) -> readings.IngestReport:
    """Commit a batch, then acknowledge it; a topic outside the pattern is a Problem."""
    messages = [(meter_of(m.topic) or f"?{m.topic[:50]}", m.payload) for m in batch]
    report = readings.ingest(messages, source="mqtt")
    if client is not None:
        for m in batch:
            client.ack(m.mid, m.qos)
    return report


def publish(client: paho.Client, meter: str, payload: dict[str, Any]) -> paho.MQTTMessageInfo:
    return client.publish(topic_for(meter), json.dumps(payload), qos=1)


def simulate(stop: threading.Event, *, every: float = 30.0) -> None:
    """The demo's meters: each `DEMO-…` meter reports the half-hours it has not yet reported,
    from its household's simulated routine; a household flagged as fallen reports no use."""
    from minsheng.eldercare.models import Meter, Reading

    client = connect(f"minsheng-eldercare-sim-{socket.gethostname()}-{os.getpid()}")
    client.loop_start()
    try:
        while not stop.is_set():
            now = timezone.now()
            meters = Meter.objects.filter(
                code__startswith=DEMO_PREFIX, household__ended_at__isnull=True
            ).select_related("household")
            for meter in meters:
                last = (
                    Reading.objects.filter(meter=meter)
                    .order_by("-at")
                    .values_list("at", "value")
                    .first()
                )
                readings = due_readings(
                    meter.code, meter.household.code, last, now, meter.report_minutes
                )
                if readings:
                    publish(client, meter.code, {"readings": readings})
            close_old_connections()
            stop.wait(every)
    finally:
        client.loop_stop()
        client.disconnect()


def due_readings(
    meter: str, household: str, last: tuple[datetime, float] | None, now: datetime, minutes: int
) -> list[dict[str, Any]]:
    """The readings a simulated meter owes since `last` (a daily-batch meter sends once its
    day is due); households whose code ends in `-FALLEN` use no water."""
    if last is None:
        return []
    at, value = last
    if now - at < timedelta(minutes=minutes):
        return []
    profile = simulator.Profile.make(sum(map(ord, household)))
    out = []
    while at + simulator.SLOT <= now:
        rng = random.Random(f"{meter}{at.isoformat()}")
        use = (
            0.0
            if household.endswith("-FALLEN")
            else simulator.slot_use(profile, at.astimezone(alarms.TZ), rng)
        )
        if meter.startswith(f"{DEMO_PREFIX}E"):  # an electricity meter: kWh, the fridge always on
            use = 0.0 if household.endswith("-FALLEN") else 0.05 + use / 200
            value += use
        else:
            value += use / 1000
        at += simulator.SLOT
        out.append({"at": at.astimezone(alarms.TZ).isoformat(), "value": round(value, 4)})
    return out


def wait_for_broker(seconds: float = 2.0) -> bool:
    """Whether the configured broker accepts a connection within `seconds`."""
    where = urlparse(url())
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(
                (where.hostname or "127.0.0.1", where.port or 1883), timeout=0.5
            ):
                return True
        except OSError:
            time.sleep(0.1)
    return False
