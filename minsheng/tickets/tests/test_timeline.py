"""The timeline is append-only and hash-chained; `verify_timeline` finds any edit or deletion."""

import gc
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from conftest import at
from minsheng.feedback import visits
from minsheng.tickets import chain, workflow
from minsheng.tickets.models import Satisfaction, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 9, 0)


@contextmanager
def _as_the_owner() -> Iterator[None]:
    """Switch off the database's append-only trigger, as only the database owner can: what
    such a person then changes, the hash chain still shows. The test's rollback restores it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks block ALTER
            cursor.execute("ALTER TABLE tickets_ticketevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER tickets_event_append_only")
    yield


@pytest.fixture
def closed(make_ticket, dispatcher, street_handler, city):
    """A ticket taken round the whole loop, once reopened: fifteen-odd events."""
    t = make_ticket(at=MONDAY)
    workflow.dispatch(
        t,
        to=city["gudong"],
        by=dispatcher,
        cohandlers=[city["water"]],
        at=MONDAY + timedelta(hours=1),
    )
    workflow.accept(t, by=street_handler, at=MONDAY + timedelta(hours=2))
    workflow.pause(t, by=street_handler, reason="等待群众", at=MONDAY + timedelta(hours=3))
    workflow.resume(t, by=street_handler, at=MONDAY + timedelta(hours=5))
    workflow.request_extension(
        t,
        by=street_handler,
        until=t.resolve_by + timedelta(days=2),
        reason="需协调",
        at=MONDAY + timedelta(hours=6),
    )
    workflow.decide_extension(t, by=dispatcher, approve=True, at=MONDAY + timedelta(hours=7))
    workflow.reply(t, by=street_handler, text="已处理。", at=MONDAY + timedelta(days=1))
    visits.rate(
        t, satisfaction=Satisfaction.UNSATISFIED, resolved=False, at=MONDAY + timedelta(days=2)
    )
    workflow.reopen(t, by=dispatcher, note="仍在施工", at=MONDAY + timedelta(days=3))
    workflow.accept(t, by=street_handler, at=MONDAY + timedelta(days=3, hours=1))
    workflow.add_note(
        t,
        by=street_handler,
        text="“引号”与\n换行、emoji 🚧",
        at=MONDAY + timedelta(days=3, hours=2),
    )
    workflow.reply(t, by=street_handler, text="已停工。", at=MONDAY + timedelta(days=4))
    visits.rate(
        t, satisfaction=Satisfaction.SATISFIED, resolved=True, at=MONDAY + timedelta(days=5)
    )
    return t


@pytest.fixture
def another(make_ticket, agent):
    t = make_ticket(request_type="consult", at=MONDAY)
    workflow.answer(t, by=agent, text="已解答。", at=MONDAY + timedelta(minutes=5))
    return t


def _events(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("seq"))


def _verify(**options) -> str:
    """Run the command; a failure comes back as a fresh CommandError carrying the message."""
    out = StringIO()
    try:
        call_command("verify_timeline", stdout=out, **options)
    except CommandError as error:
        message = str(error)
    else:
        return out.getvalue()
    # The command raised out of a server-side cursor (PostgreSQL); collect it now, while the
    # connection is idle, rather than let the garbage collector close it in the middle of a
    # later query on the same connection (which hangs psycopg).
    gc.collect()
    raise CommandError(message)


def test_raw_sql_below_names_the_event_table():
    assert TicketEvent._meta.db_table == "tickets_ticketevent"


def test_every_event_links_to_the_one_before(closed):
    events = _events(closed)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert len(events) == 15
    assert events[0].prev_hash == ""
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert chain.first_break(events) is None
    assert len({e.hash for e in events}) == len(events)


def test_the_hash_covers_the_content_and_the_previous_hash(closed):
    event = _events(closed)[3]
    assert event.hash == chain.digest(chain.event_content(event), event.prev_hash)
    assert event.hash != chain.digest(chain.event_content(event), "0" * 64)


def test_verify_timeline_passes_on_intact_timelines(closed, another):
    assert "已校验 2 张工单" in _verify()
    assert "已校验 1 张工单" in _verify(ticket=another.number)


def test_events_cannot_be_edited_through_the_model(closed):
    event = _events(closed)[2]
    event.note = "改过的说明"
    with pytest.raises(ValidationError, match="只能追加"):
        event.save()
    assert TicketEvent.objects.get(pk=event.pk).note != "改过的说明"


def test_events_cannot_be_deleted_through_the_model(closed):
    event = _events(closed)[-1]
    with pytest.raises(ValidationError, match="不能删除"):
        event.delete()
    assert TicketEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_to_change_an_event(closed):
    event = _events(closed)[5]
    with pytest.raises(IntegrityError, match="只能追加"), transaction.atomic():
        TicketEvent.objects.filter(pk=event.pk).update(note="改过的说明")
    assert TicketEvent.objects.get(pk=event.pk).note == event.note


def test_the_database_refuses_to_delete_an_event_on_postgresql(closed):
    event = _events(closed)[5]
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="只能追加"), transaction.atomic():
            TicketEvent.objects.filter(pk=event.pk).delete()
        assert TicketEvent.objects.filter(pk=event.pk).exists()
    else:  # SQLite keeps DELETE for Django's test flush; the chain check finds the gap
        TicketEvent.objects.filter(pk=event.pk).delete()
        assert chain.first_break(_events(closed)) == event.seq


def test_tampering_with_a_note_by_sql_is_found(closed, another):
    event = _events(closed)[5]
    with _as_the_owner(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticketevent SET note = %s WHERE id = %s", ["改过的说明", event.pk]
        )
    assert chain.first_break(_events(closed)) == event.seq
    with pytest.raises(CommandError, match=closed.number) as failure:
        _verify()
    assert f"第 {event.seq} 条" in str(failure.value)
    # the other ticket is still intact on its own
    assert "已校验 1 张工单" in _verify(ticket=another.number)


def test_tampering_with_a_time_by_sql_is_found(closed):
    event = _events(closed)[-2]
    with _as_the_owner():
        TicketEvent.objects.filter(pk=event.pk).update(at=event.at - timedelta(days=1))
    with pytest.raises(CommandError, match=closed.number):
        _verify()


def test_recomputing_one_hash_after_tampering_still_breaks_the_next_link(closed):
    events = _events(closed)
    event = events[4]
    event.note = "改过的说明"
    forged = chain.digest(chain.event_content(event), event.prev_hash)
    with _as_the_owner():
        TicketEvent.objects.filter(pk=event.pk).update(note="改过的说明", hash=forged)
    assert chain.first_break(_events(closed)) == event.seq + 1
    with pytest.raises(CommandError, match=closed.number):
        _verify()


def test_deleting_an_event_by_sql_is_found(closed):
    event = _events(closed)[7]
    with _as_the_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticketevent WHERE id = %s", [event.pk])
    assert chain.first_break(_events(closed)) == event.seq
    with pytest.raises(CommandError, match=closed.number):
        _verify()


def test_deleting_the_first_event_through_a_queryset_is_found(closed):
    # QuerySet.delete() does not go through TicketEvent.delete(); the chain still sees it
    events = _events(closed)
    with _as_the_owner():
        TicketEvent.objects.filter(pk=events[0].pk).delete()
    assert chain.first_break(_events(closed)) == 1
    with pytest.raises(CommandError, match=closed.number):
        _verify()


def test_deleting_the_closing_event_by_sql_is_found(closed):
    """Cutting the tail leaves a shorter chain that links; but the ticket says 已办结 while its
    timeline now ends at the visit, and the check must notice."""
    last = _events(closed)[-1]
    assert (last.action, last.to_status) == ("close", closed.status)
    with _as_the_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticketevent WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match=closed.number):
        _verify()


def test_every_broken_ticket_is_named_not_only_the_first(closed, another):
    with _as_the_owner(), connection.cursor() as cursor:
        for ticket in (closed, another):
            cursor.execute(
                "UPDATE tickets_ticketevent SET note = %s WHERE id = %s",
                ["改过的说明", _events(ticket)[0].pk],
            )
    with pytest.raises(CommandError) as failure:
        _verify()
    assert closed.number in str(failure.value)
    assert another.number in str(failure.value)
    assert "2 张的流转记录有问题" in str(failure.value)


def test_an_edit_of_the_tickets_reply_is_found(closed):
    with _as_the_owner():
        Ticket.objects.filter(pk=closed.pk).update(reply="已妥善处理（改过）")
    with pytest.raises(CommandError, match="答复内容"):
        _verify()


def test_an_edit_of_the_acceptance_time_is_found(closed):
    with _as_the_owner():
        Ticket.objects.filter(pk=closed.pk).update(
            accepted_at=closed.accepted_at - timedelta(hours=5)
        )
    with pytest.raises(CommandError, match="签收时间"):
        _verify()
