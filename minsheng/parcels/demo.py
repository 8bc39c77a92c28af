"""The demo's part: a Ninghai-like county (real outline, synthetic villages, stations, bus
lines and PyVRP van loops), today's parcels and today's optimal plan. Idempotent."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from minsheng.orgs.models import Unit
from minsheng.parcels import county, write
from minsheng.parcels.models import Network

NAME = "宁海县（模拟）客货邮网络"


def load(*, now: datetime, log: Any, password: str) -> None:
    if Network.objects.filter(name=NAME).exists():
        return
    office = Unit.objects.filter(code="FZ-JTJ").first() or Unit.objects.order_by("path").first()
    if office is None:
        log("客货邮：没有单位，跳过")
        return
    data = county.generate("L", seed=0)
    data["outline"] = county.ninghai()["outline"]
    network = write.import_network(data, office=office, name=NAME)
    # 物流促销: a few producers with today as a harvest day (香榧, 竹笋, 白枇杷 are Ninghai's)
    for i, (produce, value) in enumerate((("香榧", "80"), ("竹笋", "25"), ("白枇杷", "60"))):
        village = network.villages.order_by("-up")[i * 7]
        producer = write.add_producer(
            network,
            village=village,
            name=f"{village.name}合作社",
            produce=produce,
            value=Decimal(value),
        )
        write.set_harvest(producer, now.date(), 40 + 20 * i)
    plan = write.make_plan(network, by=None, day=now.date())
    log(
        f"客货邮：{NAME}，{len(data['villages'])} 个村、{len(data['stations'])} 个驿站；"
        f"今日计划 ¥{plan.objective}（{plan.seconds:.1f} 秒，"
        f"{'已证明最优' if plan.proven_optimal else '未证明最优'}）"
    )
