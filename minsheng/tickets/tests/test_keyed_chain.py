"""The keyed chain and the anchors outside the database find what a plain hash chain misses:
a forged event, an edit with the rest re-hashed, a cut tail, an edited anchor file."""

import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.db import connection
from django.utils import timezone

from minsheng.tickets import anchors, chain, workflow
from minsheng.tickets.models import TicketEvent
from minsheng.tickets.tests.test_timeline import _events, _verify
from minsheng.tickets.tests.test_timeline import another as another
from minsheng.tickets.tests.test_timeline import closed as closed

pytestmark = pytest.mark.django_db

LATER = timezone.now() + timedelta(hours=1)  # every event of the fixtures is settled by then
LAG = timedelta(hours=1)  # settled: older than anchors.SETTLE


@contextmanager
def _as_the_owner() -> Iterator[None]:
    """Switch the append-only trigger off, as only the database owner can (any number of times
    in a test; its rollback restores the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE tickets_ticketevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS tickets_event_append_only")
    yield


class _Editor:
    """What the migration's function uses of a schema editor, inside the test's transaction."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _rehash_from(events, first, sign):
    """What someone without the key does after an edit: hash the rest again, as before."""
    prev = events[first - 1].hash if first else ""
    for event in events[first:]:
        event.prev_hash = prev
        event.hash = sign(chain.event_content(event), prev)
        prev = event.hash
    with _as_the_owner():
        TicketEvent.objects.bulk_update(events[first:], ["note", "prev_hash", "hash"])


def test_the_hash_needs_the_key(closed, settings):
    event = _events(closed)[2]
    content = chain.event_content(event)
    assert event.hash == chain.digest(content, event.prev_hash)
    assert event.hash != chain.unkeyed_digest(content, event.prev_hash)
    settings.MINSHENG_CHAIN_KEY = "another key"
    assert chain.first_break(_events(closed)) == 1


def test_an_edit_with_the_rest_of_the_chain_rehashed_is_found(closed):
    events = _events(closed)
    events[4].note = "改过的说明"
    _rehash_from(events, 4, chain.unkeyed_digest)  # all a table writer can compute
    assert chain.first_break(_events(closed)) == 5
    with pytest.raises(CommandError, match=closed.number):
        _verify()


def test_a_forged_event_appended_with_a_plain_hash_is_found(closed):
    last = _events(closed)[-1]
    forged = TicketEvent(
        ticket=closed,
        seq=last.seq + 1,
        action="note",
        from_status=last.to_status,
        to_status=last.to_status,
        actor_label="某人",
        note="补记：群众已撤诉",
        data={},
        at=last.at + timedelta(minutes=1),
        prev_hash=last.hash,
    )
    forged.hash = chain.unkeyed_digest(chain.event_content(forged), last.hash)
    TicketEvent.objects.bulk_create([forged])  # INSERT: the trigger lets appends through
    assert chain.first_break(_events(closed)) == last.seq + 1
    with pytest.raises(CommandError, match=f"第 {last.seq + 1} 条"):
        _verify()


def test_anchors_seal_what_is_settled_and_chain_to_each_other(closed, another):
    first = anchors.anchor(now=LATER)
    assert first is not None
    assert (first.after, first.prev_root) == (0, "")
    assert first.events == TicketEvent.objects.count()
    assert anchors.anchor(now=LATER) is None  # nothing new
    assert not anchors.due(now=LATER)
    assert anchors.due(now=LATER + timedelta(hours=24))
    assert "1 个锚点相符" in _verify()


def test_events_younger_than_the_settling_time_wait_for_the_next_anchor(closed):
    recent = timezone.now()
    line = anchors.anchor(now=_events(closed)[-1].at + anchors.SETTLE / 2)
    assert line is not None
    assert line.upto < _events(closed)[-1].pk
    assert anchors.anchor(now=recent + timedelta(hours=1)).upto == _events(closed)[-1].pk


def test_deleting_a_trailing_note_is_found_by_the_anchor(make_ticket, agent):
    """A note cut from the end leaves a chain that links and a row that agrees; only the seal
    made before shows it."""
    ticket = make_ticket()
    workflow.add_note(ticket, by=agent, text="补充说明")
    anchors.anchor(now=LATER)
    note = _events(ticket)[-1]
    assert note.action == "note"
    with _as_the_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticketevent WHERE id = %s", [note.pk])
    assert chain.first_break(_events(ticket)) is None
    assert "全部完好" in _verify(ticket=ticket.number)  # the ticket alone looks intact
    with pytest.raises(CommandError, match="锚点不符") as failure:
        _verify()
    assert "被修改、删除或插入" in str(failure.value)


def test_an_edited_or_shortened_anchor_file_is_found(closed):
    anchors.anchor(now=_events(closed)[5].at + anchors.SETTLE + timedelta(seconds=1))
    anchors.anchor(now=LATER)
    lines = anchors.path().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    anchors.path().write_text(lines[1] + "\n", encoding="utf-8")  # the first line removed
    with pytest.raises(CommandError, match="锚点文件被删改过"):
        _verify()
    edited = json.loads(lines[1])
    edited["events"] += 1
    anchors.path().write_text(lines[0] + "\n" + json.dumps(edited) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="锚点不符"):
        _verify()


def test_the_worker_step_anchors_only_when_due(closed, make_ticket, agent, settings):
    assert anchors.anchor_due() is not None
    ticket = make_ticket(at=timezone.now() - LAG)
    assert _events(ticket)[-1].at < timezone.now() - anchors.SETTLE
    assert anchors.anchor_due() is None  # within MINSHENG_ANCHOR_HOURS
    settings.MINSHENG_ANCHOR_HOURS = 0
    line = anchors.anchor_due()
    assert line is not None
    assert line.events == len(_events(ticket))
    assert len(anchors.read()) == 2


def test_the_upgrade_resigns_intact_unkeyed_chains_and_leaves_broken_ones(closed, another):
    """Migration 0010 on timelines written before the key: an intact one verifies afterwards,
    one tampered with before the upgrade is still found."""
    migration = importlib.import_module("minsheng.tickets.migrations.0010_keyed_chain")
    from django.apps import apps

    for ticket in (closed, another):
        _rehash_from(_events(ticket), 0, chain.unkeyed_digest)  # as the old code wrote them
    tampered = _events(another)
    tampered[0].note = "改过"
    with _as_the_owner():
        TicketEvent.objects.bulk_update(tampered[:1], ["note"])
    assert chain.first_break(_events(closed)) == 1  # unkeyed: not valid any more

    editor = _Editor()
    if connection.vendor == "sqlite":  # _as_the_owner dropped it; the migration drops it too
        editor.execute(migration.APPEND_ONLY.SQLITE[0])
    migration._resign(chain.unkeyed_digest, chain.digest)(apps, editor)

    assert chain.first_break(_events(closed)) is None
    assert chain.first_break(_events(another)) == 1
    with pytest.raises(CommandError, match=another.number) as failure:
        _verify()
    assert closed.number not in str(failure.value)
