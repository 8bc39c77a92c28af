"""Read side of intake: import batches and mappings, for the import page."""

from django.db.models import QuerySet

from minsheng.intake.models import ImportBatch, ImportMapping, ImportRow


def recent_batches(limit: int = 20) -> QuerySet[ImportBatch]:
    """The latest imports, newest first."""
    return ImportBatch.objects.select_related("uploaded_by", "mapping")[:limit]


def active_mappings() -> QuerySet[ImportMapping]:
    return ImportMapping.objects.filter(is_active=True)


def rows_of(batch: ImportBatch) -> QuerySet[ImportRow]:
    """A batch's rows with their tickets, in file order."""
    return batch.rows.select_related("ticket__category").order_by("row_number")
