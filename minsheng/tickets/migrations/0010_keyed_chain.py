"""The timelines' hashes become keyed (HMAC with MINSHENG_CHAIN_KEY): re-sign every chain.

A chain that does not hold under the old, unkeyed hash is left exactly as found, so that what
was tampered with before the upgrade still shows afterwards. The append-only trigger is set
aside for the rewrite and put back in the same transaction (PostgreSQL) or statement batch.
"""

import importlib
from typing import Any

from django.db import migrations

from minsheng.tickets import chain

APPEND_ONLY = importlib.import_module("minsheng.tickets.migrations.0008_events_append_only")
CHUNK = 5000


def _resign(old: chain.Sign, new: chain.Sign) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        drop = {"postgresql": APPEND_ONLY.POSTGRESQL_UNDO[:1], "sqlite": APPEND_ONLY.SQLITE_UNDO}
        create = {"postgresql": APPEND_ONLY.POSTGRESQL[1:], "sqlite": APPEND_ONLY.SQLITE}
        for statement in drop.get(vendor, []):
            schema_editor.execute(statement)
        event_model = apps.get_model("tickets", "TicketEvent")
        events = event_model.objects.order_by("ticket_id", "seq").iterator(chunk_size=CHUNK)
        changed: list[Any] = []
        timeline: list[Any] = []
        for event in events:
            if timeline and event.ticket_id != timeline[0].ticket_id:
                changed.extend(_resigned(timeline, old, new))
                timeline = []
            timeline.append(event)
            if len(changed) >= CHUNK:
                event_model.objects.bulk_update(changed, ["prev_hash", "hash"])
                changed = []
        changed.extend(_resigned(timeline, old, new))
        event_model.objects.bulk_update(changed, ["prev_hash", "hash"], batch_size=CHUNK)
        for statement in create.get(vendor, []):
            schema_editor.execute(statement)

    return run


def _resigned(timeline: list[Any], old: chain.Sign, new: chain.Sign) -> list[Any]:
    if not timeline or chain.first_break(timeline, sign=old) is not None:
        return []  # broken before: leave it broken
    prev = ""
    for event in timeline:
        event.prev_hash = prev
        event.hash = new(chain.event_content(event), prev)
        prev = event.hash
    return timeline


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_ticket_sub_unit")]

    operations = [
        migrations.RunPython(
            _resign(chain.unkeyed_digest, chain.digest),
            _resign(chain.digest, chain.unkeyed_digest),
        )
    ]
