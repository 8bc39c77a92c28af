"""Pure rules of the community network (no database): the linkage levels and their deadlines,
duty rosters, visit plans, distances, and the checks of imported sheets' cells."""

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

# Five-party linkage (五方联动): the levels a request climbs, lowest first.
STEWARD, GRID, COMMUNITY, STREET = "steward", "grid", "community", "street"
LEVELS = (STEWARD, GRID, COMMUNITY, STREET)
LEVEL_NAMES = {
    STEWARD: "志愿楼长",
    GRID: "网格员",
    COMMUNITY: "社区",
    STREET: "街道部门",
}
LEVEL_CHOICES = list(LEVEL_NAMES.items())
# How long each level has before the request moves up by itself (hours, on the wall clock:
# small matters in a building do not wait for working days).
LEVEL_HOURS = {STEWARD: 2, GRID: 4, COMMUNITY: 24, STREET: 48}
# The levels that count as "solved in the community" (the share such programmes report).
IN_COMMUNITY = (STEWARD, GRID, COMMUNITY)

WEEKDAYS = "一二三四五六日"


class RuleError(ValueError):
    """Input that breaks a rule; the message is for the user, in Chinese."""


def next_level(level: str) -> str | None:
    """The level above `level`, or None above the street."""
    i = LEVELS.index(level)
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def due_at(level: str, since: datetime) -> datetime:
    return since + timedelta(hours=LEVEL_HOURS[level])


def settled_share(counts: dict[str, int]) -> float | None:
    """The share of settled requests solved within the community (steward, grid, community)."""
    total = sum(counts.get(level, 0) for level in LEVELS)
    if not total:
        return None
    return sum(counts.get(level, 0) for level in IN_COMMUNITY) / total


# --- duty rosters ------------------------------------------------------------------------------

_DUTY = re.compile(
    r"^\s*([一二三四五六日,，、\-至~]+)\s+(\d{1,2}:\d{2})\s*[-~至]\s*(\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class Shift:
    weekday: int
    starts: time
    ends: time


def parse_duty(text: str) -> list[Shift]:
    """A roster cell such as "一至五 08:00-18:00；六 09:00-12:00" as shifts; "" for none."""
    shifts: list[Shift] = []
    for part in re.split(r"[;；]", text or ""):
        if not part.strip():
            continue
        m = _DUTY.match(part)
        if not m:
            raise RuleError(f"值班时间“{part.strip()}”看不懂，应写成“一至五 08:00-18:00”。")
        days = _days(m.group(1))
        try:
            starts, ends = (
                time.fromisoformat(_pad(m.group(2))),
                time.fromisoformat(_pad(m.group(3))),
            )
        except ValueError as error:
            raise RuleError(f"值班时间“{part.strip()}”的钟点不正确。") from error
        if ends <= starts:
            raise RuleError(f"值班时间“{part.strip()}”的结束须晚于开始。")
        shifts += [Shift(d, starts, ends) for d in days]
    return shifts


def _pad(hhmm: str) -> str:
    return hhmm if len(hhmm) == 5 else f"0{hhmm}"


def _days(spec: str) -> list[int]:
    out: list[int] = []
    for piece in re.split(r"[,，、]", spec):
        if not piece:
            continue
        ends = re.split(r"[\-至~]", piece)
        if len(ends) == 2 and all(e in WEEKDAYS and e for e in ends):
            a, b = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[1])
            if b < a:
                raise RuleError(f"星期“{piece}”的顺序不对。")
            out += list(range(a, b + 1))
        elif len(piece) == 1 and piece in WEEKDAYS:
            out.append(WEEKDAYS.index(piece))
        else:
            raise RuleError(f"星期“{piece}”看不懂，请写一、二……日。")
    return sorted(set(out))


def on_duty(shifts: list[Shift], at: datetime) -> bool:
    """Whether `at` (a local time) falls in one of the shifts."""
    return any(s.weekday == at.weekday() and s.starts <= at.time() < s.ends for s in shifts)


def duty_label(shifts: list[Shift]) -> str:
    return "；".join(f"周{WEEKDAYS[s.weekday]} {s.starts:%H:%M}-{s.ends:%H:%M}" for s in shifts)


# --- visit plans (联点访户) -----------------------------------------------------------------


def next_visit(since: date, last: date | None, every_days: int) -> date:
    """When the next visit is due: a period after the last one, or after the pairing began."""
    return (last or since) + timedelta(days=every_days)


def visit_state(due: date, today: date, *, soon_days: int = 14) -> str:
    """overdue / soon / ok for a visit due on `due`."""
    if due < today:
        return "overdue"
    if (due - today).days <= soon_days:
        return "soon"
    return "ok"


# --- distances --------------------------------------------------------------------------------


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def parse_near(text: str) -> tuple[float, float]:
    """ "lat,lon" as floats; RuleError when it is not a point."""
    parts = (text or "").split(",")
    if len(parts) != 2:
        raise RuleError("near 须写成“纬度,经度”，如 26.09,119.29。")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError as error:
        raise RuleError("near 的纬度、经度须是数字。") from error
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        raise RuleError("near 的纬度须在 -90 到 90 之间，经度在 -180 到 180 之间。")
    return lat, lon


# --- sheet cells --------------------------------------------------------------------------------


def cell_int(value: str, label: str, *, required: bool = False) -> int | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise RuleError(f"缺少{label}。")
        return None
    if not value.isdigit() or int(value) > 100_000:
        raise RuleError(f"{label}“{value}”须是不超过 100000 的整数。")
    return int(value)


def cell_point(lon: str, lat: str, *, required: bool = False) -> tuple[float | None, float | None]:
    lon, lat = (lon or "").strip(), (lat or "").strip()
    if not lon and not lat:
        if required:
            raise RuleError("缺少经纬度。")
        return None, None
    try:
        x, y = float(lon), float(lat)
    except ValueError as error:
        raise RuleError(f"经纬度“{lon},{lat}”须是数字。") from error
    if not (73 <= x <= 136 and 3 <= y <= 54):
        raise RuleError(f"经纬度“{lon},{lat}”不在中国境内。")
    return x, y


def cell_text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleError(f"缺少{label}。")
    if len(value) > limit:
        raise RuleError(f"{label}不能超过 {limit} 个字。")
    return value


# --- secrets ------------------------------------------------------------------------------------


def digest(secret: str) -> str:
    """The stored form of a token, code or session key."""
    return hashlib.sha256(secret.encode()).hexdigest()
