"""Triage's write module: train, activate and roll back models; record dispatchers' corrections.

The label of a ticket is its final category once closed (or a dispatcher's correction, which
wins). A new version is measured on the latest slice of that history before it is stored.
"""

import hashlib
import pickle
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from scipy import sparse

from minsheng.accounts.models import User
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets.models import Status, Ticket
from minsheng.triage import metrics
from minsheng.triage.classifier import LARGE, Classifier, Featurizer, Options, normalise
from minsheng.triage.models import Correction, ModelVersion
from minsheng.triage.prior import REQUEST_TYPE_SEEDS, Leaf, catalogue_prior

MIN_TICKETS = 30
HOLDOUT = 0.2  # the latest fifth of history measures a new version


class TrainingError(Exception):
    """Training cannot run (too little history); the message is for the administrator."""


@dataclass
class Bundle:
    """What a version stores: the two classifiers and how the catalogue looked when trained."""

    category: Classifier
    request_type: Classifier | None
    cold_start: bool = False


def ticket_text(title: str, description: str) -> str:
    return f"{title or ''} {description or ''}".strip()


def leaves() -> list[Leaf]:
    """The active catalogue leaves, as the classifier's prior sees them."""
    return [
        Leaf(c.code, c.name, c.parent.name if c.parent else "", c.keywords, c.description)
        for c in Category.objects.filter(is_active=True, parent__isnull=False).select_related(
            "parent"
        )
    ]


def cold_start_bundle(catalogue: list[Leaf]) -> Bundle:
    """A model from the catalogue alone, for a city with no history yet."""
    prior = catalogue_prior(catalogue)
    if len(prior) < 2:
        raise TrainingError("派单目录中至少需要两个启用的小类。")
    category = Classifier().fit([], [], prior=prior)
    request_type = Classifier().fit([], [], prior=REQUEST_TYPE_SEEDS)
    return Bundle(category, request_type, cold_start=True)


def history() -> list[tuple[str, str, str, datetime]]:
    """(text, category code, request type, when) of closed tickets and corrected ones, by time."""
    rows: dict[int, tuple[str, str, str, datetime | None]] = {}
    closed = (
        Ticket.objects.filter(status=Status.CLOSED, category__parent__isnull=False)
        .values_list("pk", "title", "description", "category__code", "request_type", "closed_at")
        .order_by("closed_at", "pk")
    )
    for pk, title, description, code, rtype, at in closed.iterator(chunk_size=5000):
        rows[pk] = (ticket_text(title, description), code, rtype, at)
    corrections = Correction.objects.order_by("at", "pk").values_list(
        "ticket_id", "text", "category__code", "request_type", "at"
    )
    for pk, text, code, rtype, at in corrections.iterator(chunk_size=5000):
        old = rows.get(pk)
        rows[pk] = (text, code or (old[1] if old else ""), rtype or (old[2] if old else ""), at)
    # A closed ticket has its closing time; a correction, the time it was made.
    return sorted(
        ((text, code, rtype, at) for text, code, rtype, at in rows.values() if code and at),
        key=lambda r: r[3],
    )


def _fit(
    rows: list[tuple[str, str, str, datetime]],
    x: sparse.csr_matrix,
    featurizer: Featurizer,
    prior: dict[str, list[str]],
) -> tuple[Classifier, Classifier | None]:
    category = Classifier().fit(
        [], [r[1] for r in rows], prior=prior, matrix=x, featurizer=featurizer
    )
    typed = [i for i, r in enumerate(rows) if r[2]]
    request_type = None
    if len({rows[i][2] for i in typed}) >= 2:
        request_type = Classifier().fit(
            [],
            [rows[i][2] for i in typed],
            prior=REQUEST_TYPE_SEEDS,
            matrix=x[typed],
            featurizer=featurizer,
        )
    return category, request_type


def fit_version(
    rows: list[tuple[str, str, str, datetime]], catalogue: list[Leaf]
) -> tuple[Bundle, dict[str, Any]]:
    """Fit on the past, measure and calibrate on the latest slice, refit on everything.

    `rows` are (text, category code, request type, when), oldest first. No database.
    """
    started = time.perf_counter()
    prior = catalogue_prior(catalogue)
    # One vocabulary for every model of this version: history's texts and the catalogue's.
    # jieba costs a third of a 100,000-ticket retrain and adds nothing measurable at that size;
    # topics (LSA) help a small labelled set, and their SVD would break the 60 s budget there.
    small = len(rows) <= LARGE
    featurizer = Featurizer(words=Options().words and small, topics=Options().topics * small)
    docs = [normalise(r[0]) for r in rows]
    pseudo = [normalise(d) for ds in (*prior.values(), *REQUEST_TYPE_SEEDS.values()) for d in ds]
    x = featurizer.fit_transform(docs + pseudo)[: len(docs)]
    cut = int(len(rows) * (1 - HOLDOUT))
    past, latest = rows[:cut], rows[cut:]
    category, request_type = _fit(past, x[:cut], featurizer, prior)
    ece = category.calibrate([r[0] for r in latest], [r[1] for r in latest])
    measured: dict[str, Any] = metrics.score(
        [r[1] for r in latest], category.predict_labels([r[0] for r in latest])
    )
    measured["ece"] = round(ece, 4)
    if request_type is not None:
        typed = [r for r in latest if r[2]]
        measured["request_type"] = metrics.score(
            [r[2] for r in typed], request_type.predict_labels([r[0] for r in typed])
        )
    temperature = category.temperature
    # The stored model learns from all of history, the latest slice included.
    category, request_type = _fit(rows, x, featurizer, prior)
    category.temperature = temperature
    measured.update(
        n_train=len(past),
        n_holdout=len(latest),
        holdout_from=latest[0][3].isoformat() if latest else None,
        labels=dict(Counter(r[1] for r in rows).most_common()),
        fit_seconds=round(time.perf_counter() - started, 2),
    )
    return Bundle(category, request_type), measured


def train(*, by: User | None = None, activate_it: bool = True, note: str = "") -> ModelVersion:
    """Train on history, measure on its latest slice, store the version (and make it active)."""
    rows = history()
    if len(rows) < MIN_TICKETS or len({r[1] for r in rows}) < 2:
        raise TrainingError(
            f"已办结工单不足（{len(rows)} 件，至少需要 {MIN_TICKETS} 件、两个分类），"
            "暂时使用派单目录的冷启动模型。"
        )
    bundle, measured = fit_version(rows, leaves())
    blob = pickle.dumps(bundle, protocol=pickle.HIGHEST_PROTOCOL)
    with transaction.atomic():
        version = ModelVersion.objects.create(
            created_at=timezone.now(),
            blob=blob,
            sha256=hashlib.sha256(blob).hexdigest(),
            n_train=len(rows),
            metrics=measured,
            note=note,
            created_by=by,
        )
        if activate_it:
            activate(version)
    return version


@transaction.atomic
def activate(version: ModelVersion) -> ModelVersion:
    """Make this version the one predictions use."""
    ModelVersion.objects.select_for_update().filter(is_active=True).exclude(pk=version.pk).update(
        is_active=False
    )
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    return version


@transaction.atomic
def roll_back() -> ModelVersion:
    """Go back to the version trained before the active one; TrainingError if there is none."""
    current = ModelVersion.objects.select_for_update().filter(is_active=True).first()
    older = ModelVersion.objects.all()
    if current is not None:
        older = older.filter(created_at__lte=current.created_at).exclude(pk=current.pk)
        older = older.exclude(created_at=current.created_at, pk__gt=current.pk)
    previous = older.order_by("-created_at", "-pk").first()
    if previous is None:
        raise TrainingError("没有更早的模型版本可以回退。")
    return activate(previous)


def record_correction(
    ticket: Ticket,
    *,
    by: User | None,
    category: Category | None = None,
    request_type: str = "",
    place: Unit | None = None,
    unit: Unit | None = None,
    suggested: dict[str, Any] | None = None,
) -> Correction | None:
    """Keep what the dispatcher chose where it differs from what was suggested.

    `suggested` is `Suggestion.as_record()` at the time; returns None when nothing differed.
    """
    suggested = suggested or {}
    chosen = {
        "category": category.code if category else "",
        "request_type": request_type,
        "place": place.code if place else "",
        "unit": unit.code if unit else "",
    }
    if all(not v or v == suggested.get(k) for k, v in chosen.items()):
        return None
    return Correction.objects.create(
        ticket=ticket,
        text=ticket_text(ticket.title, ticket.description),
        category=category,
        request_type=request_type,
        place=place,
        unit=unit,
        suggested=suggested,
        by=by,
        at=timezone.now(),
    )
