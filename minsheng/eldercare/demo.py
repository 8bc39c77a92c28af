"""The programme's part of `minsheng load_demo`: households under 鼓东街道 with simulated meters.

Each household gets two days of readings (stored as if its meters had reported them); the
worker's simulator then feeds the meters over MQTT. One elder (`…-FALLEN`) stopped using water a
day ago: as soon as the worker publishes the half-hours its meter owes, the window completes, and
an urgent ticket arrives in the community's inbox. Idempotent.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction

from minsheng.eldercare import alarms, enrolment, mqtt, readings, rows
from minsheng.eldercare.models import Household, Policy
from minsheng.orgs.models import Unit

STREET = "350102001"  # 鼓东街道: the demo accounts gudong / gudong_leader
FAMILY = ("王", "李", "陈", "林", "黄", "郑", "刘", "张")


def load(*, now: datetime, log: Callable[[str], None], password: str) -> None:
    street = Unit.objects.filter(code=STREET).first()
    if street is None or Household.objects.filter(code__startswith="DEMO-").exists():
        log("独居老人：演示户已存在或演示城市缺少鼓东街道，跳过。")
        return
    communities = list(
        Unit.objects.filter(kind=Unit.Kind.COMMUNITY, path__startswith=street.path).order_by(
            "code"
        )[:4]
    ) or [street]
    water = Unit.objects.filter(code="FZ-WATER").first()
    rng = random.Random(12345)
    with transaction.atomic():
        Policy.objects.update_or_create(
            unit=None,
            defaults={"preset": "zhongshan", "mode": Policy.Mode.STAFF_FIRST, "utility": water},
        )
        for n in range(1, 9):
            unit = communities[n % len(communities)]
            fallen = n == 3
            code = f"DEMO-EC-{n:03d}" + ("-FALLEN" if fallen else "")
            surname = FAMILY[n % len(FAMILY)]
            contacts = [
                rows.ContactRow(
                    f"{surname}{'晓明' if n % 2 else '丽华'}", f"1390000{n:04d}", "family", "子女"
                ),
                rows.ContactRow(f"网格员{n}号", f"1370000{n:04d}", "grid", "网格员"),
            ]
            meters = [(f"{mqtt.DEMO_PREFIX}W{n:03d}", "water", 30)]
            if n % 2:
                meters.append((f"{mqtt.DEMO_PREFIX}E{n:03d}", "electricity", 30))
            enrolment.enrol(
                code,
                name=f"{surname}{rng.choice('秀桂淑玉国建')}{rng.choice('英兰芳华明生')}",
                phone=f"1380000{n:04d}",
                address=f"鼓楼区{unit.name}{rng.randint(1, 60)}号{rng.randint(1, 6)}0{n % 4 + 1}室",
                unit=unit,
                tags=["80岁以上", "独居"] + (["子女不在本地"] if n % 3 == 0 else []),
                consent=enrolment.Consent(
                    by="本人及子女", at=now - timedelta(days=30), how="书面同意书"
                ),
                contacts=contacts,
                meters=meters,
                now=now - timedelta(days=30),
            )
            # two days of history; the fallen elder's meter has last reported a day ago
            until = now - timedelta(days=1, minutes=5) if fallen else now - timedelta(minutes=5)
            for meter, _kind, minutes in meters:
                start = (now - timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
                history = mqtt.due_readings(
                    meter, code.removesuffix("-FALLEN"), (start, 100.0 + n), until, minutes
                )
                readings.ingest([(meter, {"readings": history})], source="demo", now=now)
        household = Household.objects.get(code="DEMO-EC-006")
        alarms.register_absence(
            household,
            starts=now - timedelta(hours=6),
            ends=now + timedelta(days=4),
            reason="family",
            source="staff",
            by="演示数据",
            now=now,
        )
    log("独居老人：已登记 8 户演示老人；worker 运行并连接 MQTT 后，DEMO-EC-003 将产生上门工单。")
