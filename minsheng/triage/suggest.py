"""What the dispatcher sees beside a new request: category, type, place, units, duplicates.

`suggest(text, address=…, lat=…, lon=…)` never raises on bad input: empty, huge or odd text gives
a low-confidence result with a warning. Confidence is a probability (0–1) throughout.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category, RequestType
from minsheng.triage import duplicates, queries
from minsheng.triage.classifier import normalise
from minsheng.triage.gazetteer import Location
from minsheng.triage.polygons import DATUMS, to_wgs84

LOW = 0.5  # below this a suggestion is shown as a hint, not preselected


@dataclass
class CategoryGuess:
    category: Category
    confidence: float

    @property
    def group(self) -> Category | None:
        return self.category.parent


@dataclass
class UnitGuess:
    unit: Unit
    score: float
    reason: str


@dataclass
class Duplicate:
    ticket: Any
    similarity: float


@dataclass
class Suggestion:
    """Everything suggested for one request; `as_record()` is what a correction is compared to."""

    categories: list[CategoryGuess] = field(default_factory=list)  # best first, up to 3
    words: list[str] = field(default_factory=list)  # what drove the category
    request_types: list[tuple[str, float]] = field(default_factory=list)
    location: Location = field(default_factory=Location)
    place: Unit | None = None
    units: list[UnitGuess] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    model_version: int | None = None
    cold_start: bool = False

    @property
    def category(self) -> CategoryGuess | None:
        return self.categories[0] if self.categories else None

    @property
    def request_type(self) -> tuple[str, float] | None:
        return self.request_types[0] if self.request_types else None

    @property
    def request_type_label(self) -> str:
        return str(RequestType(self.request_type[0]).label) if self.request_type else ""

    def as_record(self) -> dict[str, Any]:
        """Plain values, for storing beside a correction or returning as JSON."""
        return {
            "category": self.category.category.code if self.category else "",
            "category_confidence": round(self.category.confidence, 3) if self.category else 0,
            "alternatives": [[g.category.code, round(g.confidence, 3)] for g in self.categories],
            "words": self.words,
            "request_type": self.request_type[0] if self.request_type else "",
            "place": self.place.code if self.place else "",
            "place_confidence": self.location.confidence,
            "unit": self.units[0].unit.code if self.units else "",
            "duplicates": [[d.ticket.number, d.similarity] for d in self.duplicates],
            "model_version": self.model_version,
            "cold_start": self.cold_start,
            "warnings": self.warnings,
        }


def suggest(
    text: str,
    address: str = "",
    lat: Any = None,
    lon: Any = None,
    *,
    datum: str = "wgs84",
    exclude: int | None = None,
    now: datetime | None = None,
) -> Suggestion:
    """Read the request as a dispatcher would; see the module docstring."""
    result = Suggestion()
    clean = normalise(text)
    if not clean and not (address or "").strip():
        result.warnings.append("诉求内容为空，无法给出建议。")
        return result
    if len(text or "") > 20_000:
        result.warnings.append("诉求内容过长，只分析了开头部分。")
    _classify(clean, result)
    _place(clean, address or "", lat, lon, datum, result)
    _units(result)
    if clean:
        _duplicates(clean, result, exclude=exclude, now=now)
    return result


def classify(text: str) -> Suggestion:
    """Only the category and type guesses, for callers that need nothing else (cheap)."""
    result = Suggestion()
    clean = normalise(text)
    if clean:
        _classify(clean, result)
    return result


def agreement(text: str, category: Category) -> float:
    """How sure the classifier is of a category someone else chose: its probability when its own
    best guess is that category, else 0 (the dispatcher decides)."""
    return agreements([(text, category)])[0]


def agreements(requests: Sequence[tuple[str, Category]]) -> list[float]:
    """`agreement` for each (text, chosen category), reading the active model once."""
    model, by_code = queries.active_model(), queries.categories_by_code()
    found = []
    for text, category in requests:
        result = Suggestion()
        clean = normalise(text)
        if clean:
            _classify(clean, result, model=model, by_code=by_code, full=False)
        best = result.category
        found.append(best.confidence if best and best.category == category else 0.0)
    return found


def _classify(
    text: str,
    result: Suggestion,
    *,
    model: queries.ActiveModel | None = None,
    by_code: dict[str, Category] | None = None,
    full: bool = True,
) -> None:
    """Category guesses into `result`; `full` adds the request type and the driving words.
    `model` and `by_code` are read here unless the caller has them for a batch."""
    model = model or queries.active_model()
    if model.warning:
        result.warnings.append(model.warning)
    result.model_version = model.version.pk if model.version else None
    result.cold_start = model.bundle is None or model.bundle.cold_start
    if model.bundle is None or not text:
        return
    prediction = model.bundle.category.predict(text, explain=6 if full else 0)
    by_code = by_code if by_code is not None else queries.categories_by_code()
    for code, probability in prediction.labels:
        category = by_code.get(code)
        if category is not None and category.is_active:
            result.categories.append(CategoryGuess(category, probability))
    result.words = prediction.words
    if full and model.bundle.request_type is not None:
        typed = model.bundle.request_type.predict(text, explain=0)
        known = {rt.value for rt in RequestType}
        result.request_types = [(c, p) for c, p in typed.labels if c in known]
    if result.category and result.category.confidence < LOW:
        result.warnings.append("分类把握不大，请派单员确认。")


def _point(lat: Any, lon: Any, datum: str) -> tuple[float, float] | None:
    try:
        flon, flat = float(lon), float(lat)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(flon) and math.isfinite(flat)) or abs(flat) > 90 or abs(flon) > 180:
        return None
    return to_wgs84(flon, flat, datum if datum in DATUMS else "wgs84")


def _place(text: str, address: str, lat: Any, lon: Any, datum: str, result: Suggestion) -> None:
    location = queries.deployment_gazetteer().locate(text, address=address)
    point = _point(lat, lon, datum) if lat not in (None, "") else None
    if lat not in (None, "") and point is None:
        result.warnings.append("坐标无效，已忽略。")
    at_point = queries.polygon_index().locate_one(*point) if point else ""
    codes = [c for c in (location.unit, at_point) if c]
    units = queries.units_by_code(codes)
    by_text, by_point = units.get(location.unit), units.get(at_point)
    place = by_text
    if by_point is not None:
        agree = by_text is not None and (
            by_point.path.startswith(by_text.path) or by_text.path.startswith(by_point.path)
        )
        # The map pin beats a name, unless the name is deeper on the same path.
        deeper = by_text is not None and agree and len(by_text.path) > len(by_point.path)
        place = by_text if deeper and by_text is not None else by_point
        location.confidence = max(location.confidence, 0.97 if agree else 0.85)
        location.unit = place.code
        location.outside = False
    result.location = location
    result.place = place
    if location.outside:
        result.warnings.append(f"地址似乎在本市以外（{location.city}{location.district}）。")


def _units(result: Suggestion) -> None:
    guess = result.category
    if guess is None:
        return
    category, place = guess.category, result.place
    place_confidence = result.location.confidence if place else 0.0
    ranked: dict[int, UnitGuess] = {}

    def offer(unit: Unit | None, score: float, reason: str) -> None:
        if (
            unit is not None
            and unit.is_active
            and (unit.pk not in ranked or ranked[unit.pk].score < score)
        ):
            ranked[unit.pk] = UnitGuess(unit, round(score, 3), reason)

    hint = category.handler_hint
    if hint in ("street", "district") and place is not None:
        street = place.ancestor_of_kind(Unit.Kind.STREET, Unit.Kind.TOWNSHIP)
        district = place.ancestor_of_kind(Unit.Kind.DISTRICT)
        if hint == "street" and street is not None:
            offer(
                street,
                guess.confidence * place_confidence,
                f"「{category.name}」由属地街道直派；地点在{street.name}",
            )
        if district is not None:
            offer(
                district,
                guess.confidence * place_confidence * (0.9 if hint == "district" else 0.5),
                f"「{category.name}」由区级{'承办' if hint == 'district' else '兜底'}；"
                f"地点在{district.name}",
            )
    elif hint and hint not in ("street", "district"):
        named = Unit.objects.filter(code=hint, is_active=True).first()
        offer(named, guess.confidence, f"派单目录指定「{category.name}」由该单位承办")
    area = place.ancestor_of_kind(Unit.Kind.DISTRICT) if place is not None else None
    usual = queries.usual_units(category, area)
    total = sum(n for _, n in usual) or 1
    history = {u.pk: u for u in Unit.objects.filter(pk__in=[pk for pk, _ in usual])}
    for pk, n in usual:
        offer(
            history.get(pk), guess.confidence * 0.8 * n / total, f"近期同类工单 {n} 件由该单位办结"
        )
    result.units = sorted(ranked.values(), key=lambda g: -g.score)[:4]


def _duplicates(
    text: str, result: Suggestion, *, exclude: int | None, now: datetime | None
) -> None:
    candidates = queries.open_near(result.place, now=now, exclude=exclude)
    tickets: dict[int, Any] = {t.pk: t for t in candidates}
    ranked = duplicates.rank(
        text, ((pk, f"{t.title} {t.description}") for pk, t in tickets.items())
    )
    result.duplicates = [Duplicate(tickets[pk], similarity) for pk, similarity in ranked]
