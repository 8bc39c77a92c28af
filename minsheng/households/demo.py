"""The demo county: 晋安区's townships and villages of the demo city, a few hundred households
with 24 months of accounts, department pushes, cases at every step, and one household to follow
from a medical-cost push to a relief payment and, six months later, to risk elimination.

Built from a seeded random generator, so it is the same every time; idempotent (it does nothing
when the county's households exist). The ID numbers are synthetic (valid check digit, region
350111, never a real person's).
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from minsheng.accounts.models import User
from minsheng.households import importing, procedure, rules, write
from minsheng.households.models import Case, Household, Parameters, Step
from minsheng.households.presets import GANSU_2024, YANGYUAN_2022
from minsheng.orgs.models import Unit

COUNTY = "350111"  # 晋安区
SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢郭洪曾邱廖赖周"
GIVEN = "建国秀英志强桂兰明华春花金水玉珍文龙海燕丽娟德福"
PER_VILLAGE = 17


def synthetic_id(rng: random.Random, birth_year: int) -> str:
    month, day, seq = rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 999)
    body = f"{COUNTY}{birth_year}{month:02d}{day:02d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(body, rules._WEIGHTS, strict=True))
    return body + rules._CHECK[total % 11]


def load(*, now: datetime, log: Callable[[str], None] = print, password: str = "") -> None:
    county = Unit.objects.filter(code=COUNTY).first()
    if county is None:
        log("防返贫监测：演示城市没有晋安区，跳过")
        return
    villages = list(Unit.objects.filter(kind=Unit.Kind.VILLAGE, path__startswith=county.path))
    if not villages or Household.objects.filter(village__in=villages).exists():
        return
    with transaction.atomic():
        _build(county, villages, now, log)


def _build(county: Unit, villages: list[Unit], now: datetime, log: Callable[[str], None]) -> None:
    rng = random.Random(2024)
    Parameters.objects.update_or_create(
        jurisdiction=county,
        year=now.year,
        defaults={
            "name": f"演示县（{county.name}）{now.year}：甘肃线 + 阳原医保规则",
            "line_fixed": GANSU_2024.line_fixed,
            "medical_mode": YANGYUAN_2022.medical_mode,
            "medical_low": YANGYUAN_2022.medical_low,
            "medical_general": YANGYUAN_2022.medical_general,
            "province_rural_income": YANGYUAN_2022.province_rural_income,
            "feed_cycle_days": 10,
        },
    )
    rows = [
        "household,village,head,phone,residence,status,name,relation,id_number,birth_year,labour,disability,illness,schooling"
    ]
    for v in villages:
        for k in range(PER_VILLAGE):
            code = f"{v.code}-{k + 1:03d}"
            status = rng.choices(["general", "former_poor"], [3, 1])[0]
            surname = rng.choice(SURNAMES)
            size = rng.randint(1, 5)
            for j in range(size):
                name = surname + rng.choice(GIVEN) + rng.choice(GIVEN)
                year = rng.randint(1945, 1990) if j < 2 else rng.randint(2000, 2018)
                labour = "none" if year < 1960 else ("weak" if rng.random() < 0.15 else "full")
                school = "高中" if 2006 <= year <= 2009 else ("大学" if 2002 <= year < 2006 else "")
                rows.append(
                    ",".join(
                        [
                            code,
                            v.code,
                            surname + "某",
                            f"139{rng.randint(10_000_000, 99_999_999)}",
                            "",
                            status,
                            name,
                            "户主" if j == 0 else "家庭成员",
                            synthetic_id(rng, year),
                            str(year),
                            labour,
                            "",
                            "慢性病" if rng.random() < 0.08 else "",
                            school,
                        ]
                    )
                )
    importing.import_register("\n".join(rows), by="演示数据")
    households = list(Household.objects.filter(village__in=villages).prefetch_related("members"))
    log(f"防返贫监测：演示县 {len(villages)} 个村、{len(households)} 户")
    today = now.date()
    for h in households:
        base = Decimal(rng.randint(6000, 16000))
        n = h.members.count()
        months = [
            rules.Month(
                month=rules.add_months(rules.first_of(today), -m),
                wage=(base * n / 12 * Decimal("0.7")).quantize(Decimal("1")),
                business=(base * n / 12 * Decimal("0.3")).quantize(Decimal("1")),
                production_cost=Decimal(50),
            )
            for m in range(1, 25)
        ]
        write.save_months(h, months)
    able = next(h for h in households if any(m.labour == "full" for m in h.members.all()))
    _follow(able, now)
    _cases([h for h in households if h.pk != able.pk][:60], now, rng)
    log("防返贫监测：部门推送、各环节在办案件与一户完整的跟踪示例已生成")


def _at(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def _cadre(step: Step) -> User | str:
    """The demo account of the unit whose work the step is (u_<township>, u_<county>), so the
    step's ticket is signed for and answered like any other."""
    place = step.case.household.lives_in
    level = procedure.STEPS[step.kind].level
    unit = place.parent if level != "county" else place.ancestor_of_kind(Unit.Kind.DISTRICT)
    user = User.objects.filter(username=f"u_{unit.code}").first() if unit else None
    return user or "演示村干部"


def _pass(step: Step, at: datetime, **extra: Any) -> None:
    result = write.StepResult(passed=True, note="核实无误", **extra)
    write.complete_step(step, result, by=_cadre(step), at=at)


def _run(case: Case, at: datetime, *, stop: str | None = None, target: str = "sudden") -> datetime:
    """Walk a case's steps one working day apart (the notice 6 days), up to `stop`."""
    while True:
        step = case.steps.filter(done_at__isnull=True).first()
        if step is None or step.kind == stop:
            return at
        at = at + timedelta(days=6 if step.kind == procedure.NOTICE else 1)
        extra = (
            {
                "authorised": True,
                "target": target,
                "rigid_resolved": True,
                "guarantees": True,
                "water": True,
            }
            if step.kind == procedure.HOME_CHECK
            else {}
        )
        _pass(step, at, **extra)
        case.refresh_from_db()


def _follow(h: Household, now: datetime) -> None:
    """One household: a 医保 push 8 months ago, identified, helped (relief + a public-welfare job),
    incomes back above the line, risk eliminated this month."""
    member = h.members.first()
    assert member is not None
    start = _at(now, 240)
    clue = write.add_clue(
        write.ClueIn(
            village=h.village,
            household=h,
            member=member,
            source="feed",
            feed="medical",
            cause="illness",
            text=f"医保推送：{member.name}，年内自付 23600 元",
            amount=Decimal(23600),
        ),
        by="医保局推送",
        at=start,
    )
    assert clue.case is not None
    at = _run(clue.case, start)
    write.add_payment(
        h,
        fund="green",
        amount=Decimal(3000),
        paid_on=(start + timedelta(days=3)).date(),
        by="演示",
        note="绿色救助：先救助后认定",
    )
    write.add_measure(
        h,
        kind="medical_aid",
        start=(at + timedelta(days=1)).date(),
        by="演示",
        expected_income=Decimal(8000),
    )
    write.add_measure(
        h,
        kind="welfare_job",
        start=(at + timedelta(days=2)).date(),
        by="演示",
        expected_income=Decimal(9600),
    )
    write.add_payment(
        h,
        fund="supplementary",
        amount=Decimal(2000),
        paid_on=(at + timedelta(days=30)).date(),
        by="演示",
    )
    n = h.members.count()
    write.save_months(
        h,
        [
            rules.Month(
                month=rules.add_months(rules.first_of(now.date()), -m),
                wage=Decimal(900 * n),
                transfer=Decimal(200 * n),
            )
            for m in range(1, 8)
        ],
    )
    case = write.open_elimination(h, by="演示", at=_at(now, 8))
    _run(case, _at(now, 8))


def _cases(households: list[Household], now: datetime, rng: random.Random) -> None:
    """Open cases stopped at every step, a refusal, feeds above and below the threshold."""
    stops = [
        procedure.HOME_CHECK,
        procedure.DATA_CHECK,
        procedure.VILLAGE_REVIEW,
        procedure.NOTICE,
        procedure.TOWNSHIP_REVIEW,
        procedure.COUNTY_APPROVAL,
        None,
    ]
    causes = ["illness", "schooling", "disaster", "accident", "job_loss"]
    for i, h in enumerate(households):
        member = h.members.first()
        assert member is not None
        days = rng.randint(3, 40)
        if i % 3 == 0:  # a medical push below the line: recorded, not a case
            write.add_clue(
                write.ClueIn(
                    village=h.village,
                    household=h,
                    member=member,
                    source="feed",
                    feed="medical",
                    cause="illness",
                    text=f"医保推送：{member.name}，自付 4200 元",
                    amount=Decimal(4200),
                    flagged=False,
                ),
                by="医保局推送",
                at=_at(now, days),
            )
            continue
        cause = causes[i % len(causes)]
        feed = {
            "illness": "medical",
            "schooling": "education",
            "disaster": "emergency",
            "accident": "disability",
            "job_loss": "employment",
        }[cause]
        clue = write.add_clue(
            write.ClueIn(
                village=h.village,
                household=h,
                member=member,
                source="feed",
                feed=feed,
                cause=cause,
                text=f"部门推送：{member.name}",
                amount=Decimal(20000) if feed == "medical" else None,
            ),
            by="部门推送",
            at=_at(now, days),
        )
        assert clue.case is not None
        stop = stops[i % len(stops)]
        at = _run(
            clue.case,
            _at(now, days),
            stop=stop,
            target=rng.choice(["unstable", "marginal", "sudden"]),
        )
        if stop is None:
            write.add_measure(
                h,
                kind=rng.choice(["industry", "welfare_job", "employment", "microcredit"]),
                start=(at + timedelta(days=rng.randint(1, 10))).date(),
                by="演示",
                expected_income=Decimal(5000),
            )
        if i == 4:
            step = clue.case.steps.filter(done_at__isnull=True).first()
            if step:
                write.complete_step(
                    step,
                    write.StepResult(passed=False, note="家庭收入高于监测线，经评议不纳入"),
                    by=_cadre(step),
                    at=at + timedelta(days=1),
                )
