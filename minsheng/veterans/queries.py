"""Scoped reads of veterans' data, and the matcher over the stored records.

Who sees what: the bureau's members (any role in a `Bureau` unit, or above it) see the records,
requests and, for the counties their bureaus serve, the beneficiaries and findings, with ID
numbers masked unless revealed; the hotline centre registers requests and sees records and
requests, never beneficiaries; everyone else sees nothing here.
"""

from collections import Counter
from dataclasses import dataclass
from threading import Lock

from django.db.models import Count, Max, Q, QuerySet

from minsheng.accounts.models import User
from minsheng.orgs.access import standing_of
from minsheng.veterans.matching import Matcher, Record
from minsheng.veterans.models import Beneficiary, Bureau, FamilyRequest, Finding, MartyrRecord
from minsheng.veterans.names import alias_parts


@dataclass(frozen=True)
class Access:
    """What a user may do here: `counties` the bureaus' division codes ("" all)."""

    bureau: bool
    centre: bool
    counties: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.bureau or self.centre


def access_of(user: User) -> Access:
    standing = standing_of(user)
    if standing.is_admin:
        return Access(bureau=True, centre=True, counties=("",))
    counties = tuple(
        b.county_code
        for b in Bureau.objects.select_related("unit")
        if standing.roles_over([b.unit]) & {"handler", "leader"}
    )
    return Access(bureau=bool(counties), centre=bool(standing.centre_roles), counties=counties)


def _county_q(access: Access, field: str = "county_code") -> Q:
    condition = Q(pk__in=[])
    for code in access.counties:
        condition |= Q(**{f"{field}__startswith": code})
    return condition


def beneficiaries(access: Access) -> QuerySet[Beneficiary]:
    if not access.bureau:
        return Beneficiary.objects.none()
    return Beneficiary.objects.filter(_county_q(access))


def findings(access: Access) -> QuerySet[Finding]:
    if not access.bureau:
        return Finding.objects.none()
    return Finding.objects.filter(_county_q(access, "beneficiary__county_code")).select_related(
        "beneficiary", "ticket"
    )


def requests(access: Access) -> QuerySet[FamilyRequest]:
    if not access.any:
        return FamilyRequest.objects.none()
    return FamilyRequest.objects.select_related("resident", "ticket")


def records(access: Access, search: str = "") -> QuerySet[MartyrRecord]:
    if not access.any:
        return MartyrRecord.objects.none()
    found = MartyrRecord.objects.all()
    for word in search.split():
        found = found.filter(
            Q(name__contains=word)
            | Q(aliases__contains=word)
            | Q(native_place__contains=word)
            | Q(native_today__contains=word)
            | Q(unit__contains=word)
        )
    return found


def sees_pages(user: User) -> bool:
    """Whether the programme's pages open for this user (the centre, a bureau, admins)."""
    standing = standing_of(user)
    return bool(standing.is_admin or standing.centre_roles) or access_of(user).bureau


def badge(user: User) -> int:
    """Open findings and requests not yet confirmed, for the bureau's menu entry."""
    access = access_of(user)
    if not access.bureau:
        return 0
    return findings(access).filter(outcome="").count()


def monthly_report(access: Access) -> list[dict[str, object]]:
    """Discrepancies found and settled per month and kind (优抚数据核查月报)."""
    found: Counter[tuple[str, str]] = Counter()
    settled: Counter[tuple[str, str]] = Counter()
    for f in findings(access).only("kind", "found_at", "settled_at", "outcome"):
        found[(f.found_at.strftime("%Y-%m"), f.kind)] += 1
        if f.settled_at:
            settled[(f.settled_at.strftime("%Y-%m"), f.kind)] += 1
    months = sorted({m for m, _ in found} | {m for m, _ in settled}, reverse=True)
    from minsheng.veterans.checks import LABELS

    return [
        {
            "month": month,
            "rows": [
                {"kind": label, "found": found[(month, kind)], "settled": settled[(month, kind)]}
                for kind, label in LABELS.items()
                if found[(month, kind)] or settled[(month, kind)]
            ],
            "found": sum(v for (m, _), v in found.items() if m == month),
            "settled": sum(v for (m, _), v in settled.items() if m == month),
        }
        for month in months
    ]


def counts() -> dict[str, int]:
    by_stage = dict(FamilyRequest.objects.values_list("stage").annotate(n=Count("pk")))
    return {
        "records": MartyrRecord.objects.count(),
        "requests": sum(by_stage.values()),
        **{f"stage_{k}": v for k, v in by_stage.items()},
    }


_lock = Lock()
_cached: tuple[tuple[int, object], Matcher] | None = None


def matcher() -> Matcher:
    """A matcher over every stored record, rebuilt when records are added or edited."""
    global _cached
    stamp = MartyrRecord.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    key = (stamp["n"], stamp["last"])
    with _lock:
        if _cached is None or _cached[0] != key:
            rows = MartyrRecord.objects.values_list(
                "pk",
                "name",
                "aliases",
                "native_place",
                "birth_year",
                "death_year",
                "unit",
                "death_place",
            )
            made = Matcher(
                Record(
                    str(pk),
                    name,
                    tuple(f"{k}:{n}" if k else n for k, n in alias_parts(aliases)),
                    place,
                    birth,
                    death,
                    unit,
                    death_place,
                )
                for pk, name, aliases, place, birth, death, unit, death_place in rows
            )
            _cached = (key, made)
        return _cached[1]
