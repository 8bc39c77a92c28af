"""The register's write module: enrol a household (with consent, contacts, meters), edit it,
end it, and import a whole sheet, all or nothing."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.eldercare import rows
from minsheng.eldercare.models import Contact, Household, Meter
from minsheng.orgs.models import Unit
from minsheng.tickets.transitions import WorkflowError

UNIT_KINDS = (Unit.Kind.COMMUNITY, Unit.Kind.GRID, Unit.Kind.VILLAGE, Unit.Kind.STREET)


@dataclass(frozen=True)
class Consent:
    """Who agreed to the watch, when and how (书面同意书, 电话录音 …)."""

    by: str
    at: datetime
    how: str


class SheetError(Exception):
    """The sheet was refused; `errors` says why, row by row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


def find_unit(name_or_code: str, within: QuerySet[Unit] | None = None) -> Unit | None:
    """A community, grid, village or street by its code or its exact name (among `within`)."""
    units = Unit.objects.all() if within is None else within
    return (
        units.filter(Q(code=name_or_code) | Q(name=name_or_code), kind__in=UNIT_KINDS)
        .order_by("code")
        .first()
    )


def import_sheet(
    text: str,
    *,
    consent_how: str,
    within: QuerySet[Unit] | None = None,
    now: datetime | None = None,
) -> list[Household]:
    """Enrol every household of a CSV sheet, or none: SheetError lists the bad rows. A household
    code already enrolled is updated (its contacts replaced, new meters added); `within`: the
    units the importing user manages."""
    now = now or timezone.now()
    parsed, errors = rows.read_sheet(text)
    units: dict[str, Unit] = {}
    for h in parsed:
        unit = find_unit(h.unit, within)
        if unit is None:
            errors.append(f"第{h.line}行：找不到社区或网格“{h.unit}”，或不在您的管辖范围")
        else:
            units[h.code] = unit
    taken = dict(
        Meter.objects.filter(code__in=[m[0] for h in parsed for m in h.meters]).values_list(
            "code", "household__code"
        )
    )
    for h in parsed:
        for code, _kind, _minutes in h.meters:
            if code in taken and taken[code] != h.code:
                errors.append(f"第{h.line}行起：表号 {code} 已登记在户 {taken[code]}")
    if errors:
        raise SheetError(errors)
    with transaction.atomic():
        return [
            _store(
                h.code,
                name=h.name,
                phone=h.phone,
                address=h.address,
                unit=units[h.code],
                tags=[],
                consent=Consent(by=h.name, at=now, how=consent_how),
                contacts=h.contacts,
                meters=h.meters,
                now=now,
            )
            for h in parsed
        ]


def enrol(
    code: str,
    *,
    name: str,
    phone: str,
    address: str,
    unit: Unit,
    tags: list[str],
    consent: Consent,
    contacts: list[rows.ContactRow],
    meters: list[tuple[str, str, int]],
    now: datetime | None = None,
) -> Household:
    """Enrol (or edit) one household from the staff page."""
    now = now or timezone.now()
    taken = Meter.objects.filter(code__in=[m[0] for m in meters]).exclude(household__code=code)
    if taken.exists():
        raise WorkflowError(f"表号 {taken.first()} 已登记在其他户。")
    if not consent.by.strip() or not consent.how.strip():
        raise WorkflowError("请填写同意人和同意方式。")
    with transaction.atomic():
        return _store(
            code,
            name=name,
            phone=phone,
            address=address,
            unit=unit,
            tags=tags,
            consent=consent,
            contacts=contacts,
            meters=meters,
            now=now,
        )


def _store(
    code: str,
    *,
    name: str,
    phone: str,
    address: str,
    unit: Unit,
    tags: list[str],
    consent: Consent,
    contacts: list[rows.ContactRow],
    meters: list[tuple[str, str, int]],
    now: datetime,
) -> Household:
    household, created = Household.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "phone": phone,
            "address": address,
            "unit": unit,
            "consent_by": consent.by,
            "consent_at": consent.at,
            "consent_how": consent.how,
            "ended_at": None,
            "end_reason": "",
        },
        create_defaults={
            "name": name,
            "phone": phone,
            "address": address,
            "unit": unit,
            "tags": tags,
            "consent_by": consent.by,
            "consent_at": consent.at,
            "consent_how": consent.how,
            "enrolled_at": now,
        },
    )
    if not created and tags:
        household.tags = tags
        household.save(update_fields=["tags"])
    household.contacts.all().delete()
    Contact.objects.bulk_create(
        Contact(
            household=household,
            order=n,
            name=c.name,
            phone=c.phone,
            relation=c.relation,
            relation_note=c.note,
        )
        for n, c in enumerate(contacts, start=1)
    )
    for meter_code, kind, minutes in meters:
        Meter.objects.update_or_create(
            code=meter_code,
            defaults={"household": household, "kind": kind, "report_minutes": minutes},
        )
    return household


def end(household: Household, *, reason: str, now: datetime | None = None) -> None:
    """End an enrolment (moved, passed away, consent withdrawn): its meters are no longer read."""
    if not reason.strip():
        raise WorkflowError("请填写结束原因。")
    with transaction.atomic():
        h = Household.objects.select_for_update().get(pk=household.pk)
        if h.ended_at is not None:
            raise WorkflowError("该户已结束登记。")
        h.ended_at, h.end_reason = now or timezone.now(), reason.strip()[:200]
        h.save(update_fields=["ended_at", "end_reason"])
