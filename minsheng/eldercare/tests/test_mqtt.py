"""Readings over the real MQTT broker (Mosquitto at MINSHENG_MQTT_URL, default
mqtt://127.0.0.1:1883): skipped with the reason when none answers, failed instead when
MINSHENG_REQUIRE_BROKER=1 (CI)."""

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections

from minsheng.eldercare import alarms, mqtt
from minsheng.eldercare.models import Alarm, Policy, Problem, Reading
from minsheng.eldercare.tests.conftest import T0

BROKER_MISSING = (
    "MQTT 测试已跳过：{url} 没有可用的 MQTT 服务器（Debian/Ubuntu: apt-get install mosquitto）。"
    "设 MINSHENG_REQUIRE_BROKER=1 时改为失败。"
)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def broker() -> None:
    if not mqtt.wait_for_broker(2.0):
        reason = BROKER_MISSING.format(url=mqtt.url())
        if os.environ.get("MINSHENG_REQUIRE_BROKER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def subscriber() -> Iterator[Callable[[], Callable[[], None]]]:
    """start() runs the worker's subscriber in a thread under one persistent client id and
    returns its stop(); every test gets its own id."""
    name = f"minsheng-test-{uuid.uuid4().hex[:8]}"
    group = f"minsheng-test-{uuid.uuid4().hex[:8]}"
    stops: list[Callable[[], None]] = []

    def start() -> Callable[[], None]:
        stop = threading.Event()

        def run() -> None:
            try:
                mqtt.subscribe(stop, client_id=name, group=group)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        time.sleep(0.5)  # subscribed

        def halt() -> None:
            stop.set()
            thread.join(timeout=10)

        stops.append(halt)
        return halt

    yield start
    for halt in stops:
        halt()
    # forget the persistent session
    client = mqtt.connect(name, clean=True)
    client.disconnect()


def wait_until(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def publish(messages: list[tuple[str, Any]]) -> None:
    client = mqtt.connect(f"minsheng-test-pub-{uuid.uuid4().hex[:8]}")
    client.loop_start()
    for topic, body in messages:
        payload = body if isinstance(body, bytes) else json.dumps(body)
        client.publish(topic, payload, qos=1).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()


def day_of(litres: float, start: Any = T0) -> dict[str, Any]:
    value, out = 100.0, [{"at": start.isoformat(), "value": 100.0}]
    for n in range(1, 49):
        value += litres / 1000
        out.append(
            {"at": (start + timedelta(minutes=30 * n)).isoformat(), "value": round(value, 6)}
        )
    return {"readings": out}


def test_a_daily_batch_over_mqtt_becomes_an_urgent_ticket(
    elder: Any, subscriber: Callable[[], Any]
) -> None:
    Policy.objects.filter(unit=None).update(mode=Policy.Mode.STAFF_FIRST)
    subscriber()
    publish(
        [
            (mqtt.topic_for("W-001"), day_of(0.0)),
            (mqtt.topic_for("NOPE"), {"at": T0.isoformat(), "value": 1}),
            (mqtt.topic_for("W-001"), b"{broken"),
            (mqtt.topic_for("E-001"), {"at": T0.isoformat(), "value": 5.0}),
        ]
    )
    assert wait_until(lambda: Reading.objects.count() == 50 and Problem.objects.count() == 2)
    assert alarms.judge_due(now=T0 + timedelta(hours=24, minutes=5)) == 1
    alarm = Alarm.objects.get()
    assert alarm.ticket is not None
    assert (alarm.ticket.channel, alarm.ticket.urgency) == ("sensor", "urgent")


def test_messages_sent_while_the_worker_is_down_arrive_when_it_is_back(
    elder: Any, subscriber: Callable[[], Any]
) -> None:
    halt = subscriber()  # the broker now keeps a session for this worker
    halt()
    publish([(mqtt.topic_for("W-001"), day_of(12.0))])
    time.sleep(0.5)
    assert Reading.objects.count() == 0
    subscriber()
    assert wait_until(lambda: Reading.objects.count() == 49)
    # the same batch again (a meter's retry) stores nothing new
    publish([(mqtt.topic_for("W-001"), day_of(12.0))])
    time.sleep(1.0)
    assert Reading.objects.count() == 49


def test_topics_are_parsed_strictly() -> None:
    assert mqtt.meter_of("minsheng/meters/W-1/readings") == "W-1"
    assert mqtt.meter_of("minsheng/meters/W-1/other") is None
    assert mqtt.meter_of("minsheng/meters/a/b/readings") is None
