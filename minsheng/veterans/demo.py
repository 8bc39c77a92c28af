"""The demo's veterans' affairs: bureaus, a few thousand generated martyrs' records, families'
requests at every step, and a beneficiary list whose registers hold discrepancies."""

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from minsheng.accounts.models import User
from minsheng.orgs import loading
from minsheng.orgs.models import Membership, Unit
from minsheng.veterans import casework
from minsheng.veterans.models import (
    Beneficiary,
    Bureau,
    Candidate,
    FamilyRequest,
    MartyrRecord,
    RegisterEntry,
)
from minsheng.veterans.places import default_index
from minsheng.veterans.synthetic import Generator

BUREAUS = Path(__file__).resolve().parent / "data" / "bureaus.csv"
COUNTIES = {
    "FZ-TYJ": "",
    "FZ-GL-TYJ": "350102",
    "FZ-TJ-TYJ": "350103",
    "FZ-CS-TYJ": "350104",
    "FZ-MW-TYJ": "350105",
    "FZ-JA-TYJ": "350111",
}
RECORDS = 3000
SURNAMES, GIVEN, ENDINGS = "王李张刘陈林黄郑", "秀英桂兰玉珍德明国华", "芳梅英华"
# (username, name, unit code, roles): the city bureau's staff sign in to work the demo.
ACCOUNTS = (
    ("veterans", "郑优抚", "FZ-TYJ", ("handler", "leader")),
    ("gulou_veterans", "林双拥", "FZ-GL-TYJ", ("handler",)),
)
SHOWCASE = [
    {
        "name": "钟德胜",
        "aliases": "乳名:石伢子",
        "native_place": "江西省雩都县宽田区",
        "birth_year": 1912,
        "death_year": 1934,
        "unit": "中国工农红军第三军团第四师",
        "death_place": "湖南道县",
        "burial_place": "湘江战役红军烈士陵园",
        "source": "于都县烈士英名录",
        "reliability": "roll",
    },
    {
        "name": "刘福林",
        "aliases": "",
        "native_place": "湖北省黄安县七里坪",
        "birth_year": 1915,
        "death_year": 1936,
        "unit": "红四方面军第三十军",
        "death_place": "甘肃",
        "burial_place": "",
        "source": "红安县志",
        "reliability": "chronicle",
    },
]


def load(*, now: datetime, log: Callable[[str], None], password: str) -> None:
    if MartyrRecord.objects.exists():
        log("退役军人事务：演示数据已存在，跳过")
        return
    _bureaus(password)
    gen = Generator(default_index(), seed=1949)
    rows = [
        r.__dict__ | {"source": "演示生成", "reliability": "roll"}
        for r, _ in (gen.record(i) for i in range(RECORDS))
    ]
    for row in rows:
        row.pop("id")
        row["aliases"] = ";".join(row["aliases"])
    casework.bulk_records(SHOWCASE + rows)
    _requests()
    _beneficiaries(random.Random(8), now.date())
    log(f"退役军人事务：{RECORDS + len(SHOWCASE)} 条烈士记录、寻亲登记、优抚对象与核查问题")


@transaction.atomic
def _bureaus(password: str) -> None:
    loading.load_departments(BUREAUS)
    for code, county in COUNTIES.items():
        Bureau.objects.get_or_create(
            unit=Unit.objects.get(code=code), defaults={"county_code": county}
        )
    hashed = make_password(password)
    for username, name, code, roles in ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"first_name": name, "password": hashed}
        )
        for role in roles:
            Membership.objects.get_or_create(user=user, unit=Unit.objects.get(code=code), role=role)
    # Like every department of the demo city, each bureau has its handler account u_<code>.
    for code in COUNTIES:
        unit = Unit.objects.get(code=code)
        if not Membership.objects.filter(unit=unit, role="handler").exists():
            user, _ = User.objects.get_or_create(
                username=f"u_{code}", defaults={"first_name": unit.name, "password": hashed}
            )
            Membership.objects.get_or_create(user=user, unit=unit, role="handler")


def _requests() -> None:
    staff = User.objects.get(username="veterans")
    made = []
    for names, place, death, relation, phone in (
        ("钟德生;石伢子", "江西于都", 1934, "孙子", "13905910001"),
        ("刘福林", "湖北红安", 1935, "侄孙女", "13905910002"),
        ("钟德胜", "江西雩都", None, "外孙", "13905910003"),
        ("刘福霖", "黄安县", 1936, "曾孙", "13905910004"),
        ("钟得胜", "于都县", 1934, "侄子", "13905910005"),
    ):
        made.append(
            casework.register_request(
                {
                    "ancestor_names": names,
                    "native_place": place,
                    "death_year": death,
                    "relation": relation,
                    "requester_name": "家属" + phone[-2:],
                    "phone": phone,
                    "story": "家里只记得参加红军后再没回来。",
                },
                channel=FamilyRequest.Channel.RESIDENT,
                by=casework.SYSTEM,
            )
        )
    # One request at each later step: verifying, reviewing, notified, arranged; one rejection.
    steps = ((made[1], 1), (made[2], 2), (made[3], 3), (made[0], 4))
    for request, depth in steps:
        top = request.candidates.order_by("rank").first()
        if top is None:
            continue
        casework.start_verification(top, by=staff)
        if depth >= 2:
            casework.record_evidence(
                Candidate.objects.get(pk=top.pk),
                text="调阅烈士英名录与家谱，知情人证实。",
                by=staff,
            )
        if depth >= 3:
            casework.confirm(Candidate.objects.get(pk=top.pk), note="证据充分。", by=staff)
        if depth >= 4:
            casework.arrange_memorial(
                Candidate.objects.get(pk=top.pk),
                text="清明节前，县烈士陵园，民政干部陪同。",
                by=staff,
            )
    other = made[4].candidates.order_by("rank")[1:2].first()
    if other is not None:
        casework.reject(other, reason="籍贯与部队均不符。", by=staff)


@transaction.atomic
def _beneficiaries(rng: random.Random, today: date) -> None:
    counties = [c for c in COUNTIES.values() if c]
    kinds = ["martyr_family", "disabled", "demobilised"]
    martyrs = list(MartyrRecord.objects.values_list("pk", "name")[:300])
    people = []
    for i in range(200):
        county = counties[i % len(counties)]
        kind = kinds[i % 3]
        martyr = martyrs[i % len(martyrs)] if kind == "martyr_family" else None
        people.append(
            Beneficiary(
                name=f"{SURNAMES[i % 8]}{GIVEN[i % 10]}{ENDINGS[i % 4]}",
                id_number=f"{county}19{40 + i % 40:02d}0{1 + i % 9}{10 + i % 18:02d}"
                f"{i:03d}{i % 10}",
                kind=kind,
                county_code=county,
                allowance=Decimal(1200 + 50 * (i % 10)),
                account=f"6217{i:012d}",
                martyr_id=martyr[0] if martyr else None,
                martyr_name=martyr[1] if martyr else "",
            )
        )
    people[3].martyr_id, people[6].martyr_name = None, "王老七"  # no record; disagrees
    Beneficiary.objects.bulk_create(people)
    saved = list(Beneficiary.objects.order_by("pk"))
    dup = saved[10]
    Beneficiary.objects.create(
        name=dup.name,
        id_number=dup.id_number,
        kind=dup.kind,
        county_code=counties[(counties.index(dup.county_code) + 1) % 5],
        allowance=dup.allowance,
        account="621799990001",
    )
    entries = [
        RegisterEntry(kind="death", id_number=saved[i].id_number, on=today - timedelta(days=40 + i))
        for i in (1, 20, 41)
    ]
    entries += [
        RegisterEntry(
            kind="move",
            id_number=saved[i].id_number,
            on=today - timedelta(days=90),
            data={"to_county": "360731", "to_name": "江西省于都县"},
        )
        for i in (5, 33)
    ]
    entries.append(
        RegisterEntry(kind="closed", account=saved[12].account, on=today - timedelta(days=70))
    )
    for month in range(3):
        entries.append(
            RegisterEntry(
                kind="payment",
                account=saved[12].account,
                on=today - timedelta(days=60 - 30 * month),
                data={"amount": str(saved[12].allowance)},
            )
        )
    for e in entries:
        e.imported_at = datetime.now().astimezone()
    RegisterEntry.objects.bulk_create(entries)
    casework.run_checks()
    _ = rng
