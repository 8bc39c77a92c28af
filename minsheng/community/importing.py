"""Sheets of buildings, heads and stations (CSV, UTF-8, a header row in Chinese).

Every row is checked first; one bad row and nothing is written (`SheetError` lists every
problem as "第 N 行：…"). A row whose code (or, for heads, phone and role) exists updates it.
"""

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from minsheng.citizens.masking import normalise_phone
from minsheng.community import rules
from minsheng.community.models import Building, Duty, Head, Stairwell, Station
from minsheng.community.rules import RuleError
from minsheng.orgs.models import Unit

BUILDING_COLUMNS = (
    "楼栋编码",
    "楼栋名称",
    "社区编码",
    "网格编码",
    "地址",
    "经度",
    "纬度",
    "层数",
    "单元数",
    "户数",
)
HEAD_COLUMNS = ("姓名", "手机号", "职责", "社区编码", "网格编码", "楼栋编码", "单元号", "值班")
STATION_COLUMNS = (
    "编码",
    "名称",
    "类型",
    "社区编码",
    "地址",
    "经度",
    "纬度",
    "服务",
    "开放时间",
    "值守人员",
)
REQUIRED = {
    "buildings": ("楼栋编码", "楼栋名称", "社区编码"),
    "heads": ("姓名", "手机号", "职责", "社区编码"),
    "stations": ("编码", "名称", "类型", "社区编码", "地址", "经度", "纬度"),
}
MAX_ROWS = 20_000


class SheetError(ValueError):
    """The sheet was refused; `problems` are the rows' messages, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems[:5]))
        self.problems = problems


def read(data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV file as dicts (BOM and surrounding spaces removed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SheetError(
            ["文件不是 UTF-8 编码的 CSV，请在表格软件中“另存为 CSV UTF-8”。"]
        ) from error
    rows = list(csv.DictReader(io.StringIO(text)))
    if len(rows) > MAX_ROWS:
        raise SheetError([f"一次最多导入 {MAX_ROWS} 行。"])
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if k} for row in rows]


def load(kind: str, rows: list[dict[str, str]]) -> int:
    """Check every row, then write them all in one transaction; the number of rows."""
    checkers: dict[str, Callable[[dict[str, str], dict[str, Any]], Callable[[], None]]] = {
        "buildings": _building,
        "heads": _head,
        "stations": _station,
    }
    if kind not in checkers:
        raise SheetError([f"不认识的类型“{kind}”，应为 buildings、heads 或 stations。"])
    if not rows:
        raise SheetError(["文件里没有数据行。"])
    missing = [c for c in REQUIRED[kind] if c not in rows[0]]
    if missing:
        raise SheetError([f"缺少列：{'、'.join(missing)}。"])
    seen: dict[str, Any] = {"units": {u.code: u for u in _units(rows)}}
    writes: list[Callable[[], None]] = []
    problems: list[str] = []
    for n, row in enumerate(rows, start=2):  # the header is line 1
        try:
            writes.append(checkers[kind](row, seen))
        except RuleError as error:
            problems.append(f"第 {n} 行：{error}")
    if problems:
        raise SheetError(problems)
    with transaction.atomic():
        for write in writes:
            write()
    return len(writes)


def _units(rows: Iterable[dict[str, str]]) -> Iterable[Unit]:
    codes = {row.get(c, "") for row in rows for c in ("社区编码", "网格编码")} - {""}
    return Unit.objects.filter(code__in=codes)


def _community(row: dict[str, str], seen: dict[str, Any]) -> Unit:
    code = row.get("社区编码", "")
    unit = seen["units"].get(code)
    if unit is None or unit.kind not in (Unit.Kind.COMMUNITY, Unit.Kind.VILLAGE):
        raise RuleError(f"社区编码“{code}”不是系统中的社区（村）。")
    return unit


def _grid(row: dict[str, str], seen: dict[str, Any], community: Unit) -> Unit | None:
    code = row.get("网格编码", "")
    if not code:
        return None
    unit = seen["units"].get(code)
    if unit is None or unit.kind != Unit.Kind.GRID or unit.parent_id != community.pk:
        raise RuleError(f"网格编码“{code}”不是{community.name}的网格。")
    return unit


def _unique(seen: dict[str, Any], key: str, label: str) -> None:
    keys = seen.setdefault("keys", set())
    if key in keys:
        raise RuleError(f"{label}在文件中重复。")
    keys.add(key)


def _building(row: dict[str, str], seen: dict[str, Any]) -> Callable[[], None]:
    code = rules.cell_text(row.get("楼栋编码", ""), "楼栋编码", 40)
    _unique(seen, f"b:{code}", f"楼栋编码“{code}”")
    name = rules.cell_text(row.get("楼栋名称", ""), "楼栋名称", 100)
    community = _community(row, seen)
    grid = _grid(row, seen, community)
    lon, lat = rules.cell_point(row.get("经度", ""), row.get("纬度", ""))
    floors = rules.cell_int(row.get("层数", ""), "层数")
    stairwells = rules.cell_int(row.get("单元数", ""), "单元数") or 1
    if stairwells > 50:
        raise RuleError("单元数不能超过 50。")
    households = rules.cell_int(row.get("户数", ""), "户数") or 0
    address = rules.cell_text(row.get("地址", ""), "地址", 200, required=False)

    def write() -> None:
        building, _ = Building.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "community": community, "grid": grid, "address": address,
                "lon": lon, "lat": lat, "floors": floors, "households": households,
            },
        )  # fmt: skip
        for number in range(1, stairwells + 1):
            Stairwell.objects.get_or_create(building=building, number=number)

    return write


ROLES = {str(label): str(value) for value, label in Head.Role.choices}


def _head(row: dict[str, str], seen: dict[str, Any]) -> Callable[[], None]:
    name = rules.cell_text(row.get("姓名", ""), "姓名", 60)
    phone = normalise_phone(row.get("手机号", ""))
    if not phone or len(phone) != 11:
        raise RuleError(f"手机号“{row.get('手机号', '')}”不正确。")
    role = ROLES.get(row.get("职责", ""))
    if role is None:
        raise RuleError(f"职责“{row.get('职责', '')}”应为{'、'.join(ROLES)}之一。")
    _unique(seen, f"h:{phone}:{role}", f"手机号 {phone[:3]}****{phone[-4:]} 的{row['职责']}")
    community = _community(row, seen)
    grid = _grid(row, seen, community)
    building = None
    code = row.get("楼栋编码", "")
    if code:
        building = Building.objects.filter(code=code, community=community).first()
        if building is None:
            raise RuleError(f"楼栋编码“{code}”不在{community.name}（请先导入楼栋）。")
        grid = grid or (Unit.objects.get(pk=building.grid_id) if building.grid_id else None)
    stairwell = None
    number = rules.cell_int(row.get("单元号", ""), "单元号")
    if number is not None:
        if building is None:
            raise RuleError("填了单元号，须同时填楼栋编码。")
        stairwell = Stairwell.objects.filter(building=building, number=number).first()
        if stairwell is None:
            raise RuleError(f"{building.name}没有 {number} 单元。")
    if role == Head.Role.GRID and grid is None:
        raise RuleError("网格长须填网格编码。")
    if role == Head.Role.BUILDING and building is None:
        raise RuleError("楼栋长须填楼栋编码。")
    if role == Head.Role.STAIRWELL and stairwell is None:
        raise RuleError("单元长须填楼栋编码和单元号。")
    if role == Head.Role.STEWARD and building is None and grid is None:
        raise RuleError("志愿楼长须填楼栋编码或网格编码。")
    shifts = rules.parse_duty(row.get("值班", ""))

    def write() -> None:
        head, _ = Head.objects.update_or_create(
            phone=phone,
            role=role,
            defaults={
                "name": name, "community": community, "grid": grid, "building": building,
                "stairwell": stairwell, "is_active": True,
            },
        )  # fmt: skip
        head.duties.all().delete()
        Duty.objects.bulk_create(
            [Duty(head=head, weekday=s.weekday, starts=s.starts, ends=s.ends) for s in shifts]
        )

    return write


KINDS = {str(label): str(value) for value, label in Station.Kind.choices}


def _station(row: dict[str, str], seen: dict[str, Any]) -> Callable[[], None]:
    code = rules.cell_text(row.get("编码", ""), "编码", 40)
    _unique(seen, f"s:{code}", f"编码“{code}”")
    name = rules.cell_text(row.get("名称", ""), "名称", 100)
    kind = KINDS.get(row.get("类型", ""))
    if kind is None:
        raise RuleError(f"类型“{row.get('类型', '')}”应为{'、'.join(KINDS)}之一。")
    community = _community(row, seen)
    lon, lat = rules.cell_point(row.get("经度", ""), row.get("纬度", ""), required=True)
    fields = {
        "name": name,
        "kind": kind,
        "community": community,
        "address": rules.cell_text(row.get("地址", ""), "地址", 200),
        "lon": lon,
        "lat": lat,
        "services": rules.cell_text(row.get("服务", ""), "服务", 300, required=False),
        "hours": rules.cell_text(row.get("开放时间", ""), "开放时间", 100, required=False),
        "staff": rules.cell_text(row.get("值守人员", ""), "值守人员", 100, required=False),
        "is_active": True,
    }

    def write() -> None:
        Station.objects.update_or_create(code=code, defaults=fields)

    return write
