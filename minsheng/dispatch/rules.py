"""Dispatch rules (派单规则) as pure code: compile them once, match a request in microseconds.

Rules are tried in order and the first that matches wins; every condition a rule leaves empty
matches anything, so a rule with no conditions is a catch-all (兜底). Matching explains itself:
the decision names the rule, why it matched ("分类=占道经营；区域∈鼓楼区"), and, when asked, what
every earlier rule failed on. No Django here: the database side builds `RuleSpec`s and `Sample`s.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

# Unit kinds as stored in orgs.Unit.kind; repeated here so the matcher needs no Django.
STREET_KINDS = frozenset({"street", "township"})
DISTRICT_KINDS = frozenset({"district"})

TARGET_UNIT = "unit"  # a named unit
TARGET_STREET = "street"  # the street or township of the request's place (直派)
TARGET_DISTRICT = "district"  # the district of the request's place (兜底)

WEEKDAY_NAMES = "一二三四五六日"
LIST_LIMIT = 4  # names quoted in an explanation before "等 N 个"

Ref = tuple[int, str]  # (primary key, name)


@dataclass(frozen=True)
class Place:
    """A unit on the way from the city down to the request's place."""

    id: int
    name: str
    kind: str
    path: str


@dataclass(frozen=True)
class Sample:
    """A ticket-like record: everything the rules look at."""

    category: Ref | None = None
    group: Ref | None = None  # the category's first-level group
    request_type: str = ""
    places: tuple[Place, ...] = ()  # from the top down to the place itself; empty when unknown
    text: str = ""
    at: datetime | None = None  # local time of receipt
    lon: float | None = None
    lat: float | None = None

    @property
    def place(self) -> Place | None:
        return self.places[-1] if self.places else None


@dataclass(frozen=True)
class RuleSpec:
    """One rule as data: its conditions (empty = any) and its actions."""

    id: int
    name: str
    order: int = 0
    categories: tuple[Ref, ...] = ()  # leaves or groups
    request_types: tuple[tuple[str, str], ...] = ()  # (value, label)
    places: tuple[tuple[str, str], ...] = ()  # (Unit.path, name): the place must lie inside one
    polygon: dict[str, Any] | None = None  # GeoJSON Polygon or MultiPolygon, WGS-84
    time_from: time | None = None
    time_to: time | None = None  # before time_from: the window runs over midnight
    weekdays: tuple[int, ...] = ()  # 0 = Monday
    keywords: tuple[str, ...] = ()  # any of them
    target: str = TARGET_UNIT
    unit: Ref | None = None
    fallback_unit: Ref | None = None  # for street/district targets when the place is unknown
    cohandlers: tuple[Ref, ...] = ()
    policy: Ref | None = None
    priority: str = ""

    @property
    def is_catch_all(self) -> bool:
        """True when the rule matches every request (the 兜底 fallback)."""
        return not (
            self.categories
            or self.request_types
            or self.places
            or self.polygon
            or self.time_from
            or self.weekdays
            or self.keywords
        )


@dataclass(frozen=True)
class Decision:
    """The outcome of matching: the rule, the unit it sends to, and why."""

    rule: RuleSpec | None
    unit: Ref | None = None
    reasons: tuple[str, ...] = ()
    # Filled by `explain`: each rule tried before the winner, with what it failed on.
    failures: tuple[tuple[RuleSpec, str], ...] = ()

    @property
    def why(self) -> str:
        if self.rule is None:
            return "没有匹配的派单规则，交派单员人工派单"
        return "；".join(self.reasons) or "无条件（兜底）"


# --- conditions ----------------------------------------------------------------------------


def _names(names: Sequence[str]) -> str:
    if len(names) <= LIST_LIMIT:
        return "、".join(names)
    return f"{'、'.join(names[:LIST_LIMIT])}等 {len(names)} 个"


@dataclass(frozen=True)
class Condition:
    """A test on a sample, with a sentence for when it holds and one for when it fails."""

    test: Callable[[Sample], bool]
    passed: Callable[[Sample], str]
    failed: Callable[[Sample], str]


def _category(spec: RuleSpec) -> Condition:
    ids = dict(spec.categories)

    def hit(s: Sample) -> str | None:
        for ref in (s.category, s.group):
            if ref is not None and ref[0] in ids:
                return ids[ref[0]]
        return None

    return Condition(
        test=lambda s: hit(s) is not None,
        passed=lambda s: f"分类={hit(s)}",
        failed=lambda s: f"分类不是{_names(list(ids.values()))}",
    )


def _request_type(spec: RuleSpec) -> Condition:
    labels = dict(spec.request_types)
    return Condition(
        test=lambda s: s.request_type in labels,
        passed=lambda s: f"类型={labels[s.request_type]}",
        failed=lambda s: f"类型不是{_names(list(labels.values()))}",
    )


def _place(spec: RuleSpec) -> Condition:
    areas = spec.places

    def hit(s: Sample) -> str | None:
        if s.place is None:
            return None
        path = s.place.path
        return next((name for prefix, name in areas if path.startswith(prefix)), None)

    def failed(s: Sample) -> str:
        if s.place is None:
            return "所在区域不明"
        return f"{s.place.name}不在{_names([name for _, name in areas])}内"

    return Condition(
        test=lambda s: hit(s) is not None, passed=lambda s: f"区域∈{hit(s)}", failed=failed
    )


def _polygon(spec: RuleSpec) -> Condition:
    import shapely
    from shapely.geometry import shape

    area = shape(spec.polygon)
    shapely.prepare(area)

    def test(s: Sample) -> bool:
        if s.lon is None or s.lat is None:
            return False
        return bool(shapely.contains_xy(area, s.lon, s.lat))

    return Condition(
        test=test,
        passed=lambda s: "坐标在划定范围内",
        failed=lambda s: "没有坐标" if s.lon is None or s.lat is None else "坐标不在划定范围内",
    )


def in_window(moment: time, start: time, end: time) -> bool:
    """Whether `moment` falls in [start, end); a window with end ≤ start runs over midnight."""
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def _time_window(spec: RuleSpec) -> Condition:
    start, end = spec.time_from, spec.time_to
    assert start is not None
    assert end is not None
    label = f"{start:%H:%M}–{end:%H:%M}"

    def test(s: Sample) -> bool:
        return s.at is not None and in_window(s.at.time().replace(tzinfo=None), start, end)

    return Condition(
        test=test,
        passed=lambda s: f"时间在{label}",
        failed=lambda s: f"时间不在{label}" if s.at else "没有受理时间",
    )


def _weekdays(spec: RuleSpec) -> Condition:
    days = frozenset(spec.weekdays)
    label = "、".join(f"周{WEEKDAY_NAMES[d]}" for d in sorted(days))
    return Condition(
        test=lambda s: s.at is not None and s.at.weekday() in days,
        passed=lambda s: f"星期∈{label}",
        failed=lambda s: f"不是{label}",
    )


def _keywords(spec: RuleSpec) -> Condition:
    words = spec.keywords

    def hit(s: Sample) -> str | None:
        return next((w for w in words if w in s.text), None)

    return Condition(
        test=lambda s: hit(s) is not None,
        passed=lambda s: f"关键词“{hit(s)}”",
        failed=lambda s: f"内容不含{_names([f'“{w}”' for w in words])}",
    )


def _target(spec: RuleSpec) -> tuple[Callable[[Sample], Ref | None], Callable[[Sample], str]]:
    """How the rule finds its main unit, and what to say when it cannot."""
    if spec.target == TARGET_UNIT:
        return (lambda s: spec.unit), (lambda s: "规则没有指定主办单位")
    kinds = STREET_KINDS if spec.target == TARGET_STREET else DISTRICT_KINDS
    word = "街道乡镇" if spec.target == TARGET_STREET else "区"

    def resolve(s: Sample) -> Ref | None:
        for p in reversed(s.places):
            if p.kind in kinds:
                return (p.id, p.name)
        return spec.fallback_unit

    def failed(s: Sample) -> str:
        if s.place is None:
            return f"所在区域不明，无法确定所在{word}"
        return f"{s.place.name}不属于任何{word}"

    return resolve, failed


@dataclass
class CompiledRule:
    spec: RuleSpec
    conditions: tuple[Condition, ...]
    resolve: Callable[[Sample], Ref | None]
    unresolved: Callable[[Sample], str]

    def failures(self, sample: Sample) -> list[str]:
        """Every reason this rule does not apply to the sample (empty when it does)."""
        reasons = [c.failed(sample) for c in self.conditions if not c.test(sample)]
        if not reasons and self.resolve(sample) is None:
            reasons.append(self.unresolved(sample))
        return reasons

    def decide(self, sample: Sample) -> Decision:
        unit = self.resolve(sample)
        reasons = [c.passed(sample) for c in self.conditions]
        if unit is not None and self.spec.target != TARGET_UNIT:
            reasons.append(f"主办=所在{'街道' if self.spec.target == TARGET_STREET else '区'}")
        return Decision(rule=self.spec, unit=unit, reasons=tuple(reasons))


def compile_rule(spec: RuleSpec) -> CompiledRule:
    """One rule's conditions, cheapest first, and its way to the main unit."""
    conditions = []
    if spec.request_types:
        conditions.append(_request_type(spec))
    if spec.categories:
        conditions.append(_category(spec))
    if spec.weekdays:
        conditions.append(_weekdays(spec))
    if spec.time_from is not None and spec.time_to is not None:
        conditions.append(_time_window(spec))
    if spec.places:
        conditions.append(_place(spec))
    if spec.keywords:
        conditions.append(_keywords(spec))
    if spec.polygon:
        conditions.append(_polygon(spec))
    resolve, unresolved = _target(spec)
    return CompiledRule(spec, tuple(conditions), resolve, unresolved)


@dataclass
class RuleBook:
    """Rules compiled and indexed by category, so a request only tries rules that can match it."""

    rules: list[CompiledRule]
    by_category: dict[int, list[int]] = field(default_factory=dict)
    any_category: list[int] = field(default_factory=list)
    _candidates: dict[tuple[int | None, int | None], tuple[int, ...]] = field(default_factory=dict)

    def candidates(self, sample: Sample) -> tuple[int, ...]:
        key = (sample.category[0] if sample.category else None, sample.group and sample.group[0])
        found = self._candidates.get(key)
        if found is None:
            indices = set(self.any_category)
            for pk in key:
                if pk is not None:
                    indices.update(self.by_category.get(pk, ()))
            found = self._candidates[key] = tuple(sorted(indices))
        return found

    def match(self, sample: Sample) -> Decision:
        """The first rule that applies to the sample, and why; Decision(None) if none does."""
        rules = self.rules
        for i in self.candidates(sample):
            rule = rules[i]
            for condition in rule.conditions:
                if not condition.test(sample):
                    break
            else:
                if rule.resolve(sample) is not None:
                    return rule.decide(sample)
        return Decision(rule=None)

    def explain(self, sample: Sample) -> Decision:
        """Like `match`, with what every earlier rule failed on (for the "test a rule" page)."""
        failures: list[tuple[RuleSpec, str]] = []
        for rule in self.rules:
            reasons = rule.failures(sample)
            if not reasons:
                decision = rule.decide(sample)
                return Decision(decision.rule, decision.unit, decision.reasons, tuple(failures))
            failures.append((rule.spec, "；".join(reasons)))
        return Decision(rule=None, failures=tuple(failures))


def compile_rules(specs: Iterable[RuleSpec]) -> RuleBook:
    """Compile active rules in their order (order, then id) into a RuleBook."""
    rules = [compile_rule(s) for s in sorted(specs, key=lambda s: (s.order, s.id))]
    book = RuleBook(rules)
    for i, rule in enumerate(rules):
        if rule.spec.categories:
            for pk, _name in rule.spec.categories:
                book.by_category.setdefault(pk, []).append(i)
        else:
            book.any_category.append(i)
    return book


def describe(spec: RuleSpec) -> tuple[list[str], list[str]]:
    """A rule in words for the rule list: its conditions, and its actions."""
    conditions = []
    if spec.categories:
        conditions.append(f"分类：{_names([n for _, n in spec.categories])}")
    if spec.request_types:
        conditions.append(f"类型：{'、'.join(label for _, label in spec.request_types)}")
    if spec.places:
        conditions.append(f"区域：{_names([n for _, n in spec.places])}")
    if spec.polygon:
        conditions.append("坐标：在划定范围内")
    if spec.time_from and spec.time_to:
        conditions.append(f"时段：{spec.time_from:%H:%M}–{spec.time_to:%H:%M}")
    if spec.weekdays:
        conditions.append("星期：" + "、".join(f"周{WEEKDAY_NAMES[d]}" for d in spec.weekdays))
    if spec.keywords:
        conditions.append(f"关键词：{_names(list(spec.keywords))}")
    if spec.target == TARGET_UNIT:
        actions = [f"主办：{spec.unit[1] if spec.unit else '（未指定）'}"]
    else:
        where = "所在街道乡镇（直派）" if spec.target == TARGET_STREET else "所在区（兜底）"
        actions = [f"主办：{where}"]
        if spec.fallback_unit:
            actions.append(f"地点不明时：{spec.fallback_unit[1]}")
    if spec.cohandlers:
        actions.append(f"协办：{_names([n for _, n in spec.cohandlers])}")
    if spec.policy:
        actions.append(f"时限：{spec.policy[1]}")
    if spec.priority == "urgent":
        actions.append("按紧急处理")
    return conditions or ["任何诉求（兜底）"], actions


def polygon_error(geojson: Any) -> str | None:
    """Why `geojson` is not a usable area (a valid Polygon or MultiPolygon), or None."""
    from shapely.geometry import shape

    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        return "划定范围须是 GeoJSON 的 Polygon 或 MultiPolygon。"
    try:
        area = shape(geojson)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return "划定范围的坐标格式不正确。"
    if area.is_empty or not area.is_valid:
        return "划定范围不是有效的多边形（边界不能自相交）。"
    minx, miny, maxx, maxy = area.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return "划定范围的坐标须是经纬度（WGS-84）。"
    return None


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords from text separated by |, commas, semicolons or new lines; blanks dropped."""
    for sep in ("，", ",", "；", ";", "、", "\n"):
        text = text.replace(sep, "|")
    return tuple(dict.fromkeys(w.strip() for w in text.split("|") if w.strip()))
