"""Batch import's write module: a clean file becomes tickets through `door.submit`.

All or nothing: every row is checked first; one bad row means nothing is written and the report
lists every problem. Rows imported before (same natural key) are skipped and reported as 已导入;
the same file twice writes nothing. Everything a file creates is written in one transaction.
"""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.intake import door, mapping, rows
from minsheng.intake.models import ImportBatch, ImportMapping, ImportRow
from minsheng.intake.rows import CleanRow, FileProblem, Lookups, RowError
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets.transitions import WorkflowError

IMPORT_ROLES = frozenset({"agent", "dispatcher"})
WHOLE_ROW = "整行"


@dataclass
class Checked:
    """A file read and checked: its clean rows with their keys, or the errors."""

    spec: mapping.Spec
    rows: list[tuple[CleanRow, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Outcome:
    """What an upload did: errors (nothing written), or the batch and what it created."""

    errors: list[RowError] = field(default_factory=list)
    message: str = ""
    batch: ImportBatch | None = None
    created: int = 0
    already: list[tuple[int, str]] = field(default_factory=list)  # (row, ticket number)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def may_import(user: User) -> bool:
    """Agents and dispatchers at the centre import offline requests."""
    return bool(standing_of(user).centre_roles & IMPORT_ROLES)


def lookups() -> Lookups:
    """The catalogue's leaves, the places and the units, by code and by name."""

    def index(items: list[tuple[str, str, object]]) -> dict[str, object]:
        table: dict[str, object] = {}
        for code, _name, item in items:
            table[code] = table[code.upper()] = item
        for code, name, item in items:
            if name not in table:
                table[name] = item
            elif table[name] is not item and name != code:
                table[name] = None  # two entries share this name: ask for the code
        return table

    leaves = Category.objects.filter(is_active=True, parent__isnull=False)
    units = list(Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.CENTRE))
    place_kinds = {Unit.Kind.DISTRICT, Unit.Kind.STREET, Unit.Kind.TOWNSHIP}
    return Lookups(
        categories=index([(c.code, c.name, c) for c in leaves]),
        places=index([(u.code, u.name, u) for u in units if u.kind in place_kinds]),
        units=index([(u.code, u.name, u) for u in units]),
    )


def check(
    data: bytes,
    *,
    filename: str,
    mapping_obj: ImportMapping | None = None,
    max_rows: int = rows.MAX_ROWS,
) -> Checked:
    """Read and check every row; writes nothing."""
    spec = mapping.spec_of(mapping_obj) if mapping_obj is not None else mapping.TEMPLATE
    checked = Checked(spec)
    try:
        table = rows.read_table(data, filename, max_rows=max_rows)
    except FileProblem as problem:
        checked.errors.append(RowError(0, "文件", str(problem)))
        return checked
    missing = mapping.missing_columns(spec, table.headers)
    if missing:
        checked.errors.append(
            RowError(1, "表头", f"缺少列：{'、'.join(missing)}。请使用导入模板或选择正确的映射。")
        )
        return checked
    known, now, tz = lookups(), timezone.now(), ZoneInfo(settings.TIME_ZONE)
    first_of: dict[str, int] = {}
    for number, record in table.rows:
        values = mapping.apply(spec, {mapping.header_key(k): v for k, v in record.items()})
        clean, errors = rows.check_row(number, values, spec, known, now=now, tz=tz)
        checked.errors += errors
        if clean is None:
            continue
        key = rows.natural_key(spec, clean)
        if key in first_of:
            checked.errors.append(RowError(number, WHOLE_ROW, f"与第 {first_of[key]} 行重复。"))
            continue
        first_of[key] = number
        checked.rows.append((clean, key))
    return checked


def import_file(
    data: bytes, *, filename: str, by: User, mapping_obj: ImportMapping | None = None
) -> Outcome:
    """Import a whole file or nothing; see the module docstring."""
    if not may_import(by):
        return Outcome(errors=[RowError(0, "文件", "只有热线中心的话务员或派单员可以批量导入。")])
    digest = rows.file_hash(data)
    earlier = ImportBatch.objects.filter(file_hash=digest).first()
    if earlier is not None:
        return Outcome(
            message=f"该文件已于 {timezone.localtime(earlier.uploaded_at):%Y-%m-%d %H:%M} "
            f"导入（批次 {earlier.pk}，新建工单 {earlier.imported_count} 件），"
            "本次未写入任何数据。",
            batch=earlier,
            row_count=earlier.row_count,
        )
    checked = check(data, filename=filename, mapping_obj=mapping_obj)
    if checked.errors:
        return Outcome(errors=checked.errors, row_count=len(checked.rows))
    done = _imported([key for _, key in checked.rows])
    fresh = [(row, key) for row, key in checked.rows if key not in done]
    already = [(row.row, done[key]) for row, key in checked.rows if key in done]
    if not fresh:
        return Outcome(
            message=f"文件中的 {len(already)} 行都已导入过，本次未写入任何数据。",
            already=already,
            row_count=len(already),
        )
    try:
        batch = _write(
            fresh,
            filename=filename,
            digest=digest,
            by=by,
            mapping_obj=mapping_obj,
            skipped=len(already),
        )
    except _RowFailed as failed:
        return Outcome(errors=[failed.error], row_count=len(checked.rows))
    except IntegrityError:
        # Another upload of the same rows committed first: its tickets stand, ours roll back.
        return Outcome(
            errors=[RowError(0, "文件", "相同的数据正由他人同时导入，本次未写入。请稍后刷新查看。")]
        )
    return Outcome(
        message=f"导入成功：新建工单 {len(fresh)} 件"
        + (f"，{len(already)} 行此前已导入而跳过" if already else "")
        + "。",
        batch=batch,
        created=len(fresh),
        already=already,
        row_count=len(checked.rows),
    )


class _RowFailed(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.reason)
        self.error = error


def _imported(keys: list[str]) -> dict[str, str]:
    """Keys imported before -> the number of the ticket each became."""
    found: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        found |= dict(
            ImportRow.objects.filter(key__in=keys[start : start + 500]).values_list(
                "key", "ticket__number"
            )
        )
    return found


@transaction.atomic
def _write(
    fresh: list[tuple[CleanRow, str]],
    *,
    filename: str,
    digest: str,
    by: User,
    mapping_obj: ImportMapping | None,
    skipped: int,
) -> ImportBatch:
    batch = ImportBatch.objects.create(
        file_name=filename[:200],
        file_hash=digest,
        mapping=mapping_obj,
        uploaded_by=by,
        uploaded_at=timezone.now(),
        row_count=len(fresh) + skipped,
        imported_count=len(fresh),
        skipped_count=skipped,
    )
    for row, key in fresh:
        try:
            ticket = door.submit(_submission(row), by=by)
        except WorkflowError as error:
            raise _RowFailed(RowError(row.row, WHOLE_ROW, str(error))) from error
        ImportRow.objects.create(batch=batch, row_number=row.row, key=key, ticket=ticket)
    return batch


def _submission(row: CleanRow) -> door.Request:
    return door.Request(
        phone=row.phone,
        name=f"{row.source}（未留电话）"[:50] if row.placeholder else row.name,
        channel=row.channel,
        request_type=row.request_type,
        category=row.category,
        title=row.title or row.description[:30],  # the request, not the import note
        description=row.description + rows.tail_of(row),
        address=row.address,
        place=row.place,
        received_at=row.received_at,  # the sheet's own date
        # The centre's agent who imports vouches for the sheet's category as for a call: a
        # specific rule naming the unit (the street named in the address) dispatches it (#12).
        chooser="agent",
    )
