"""lib.rows stores and reads back exactly what the ORM would, on PostgreSQL and SQLite."""

from datetime import timedelta
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from minsheng.citizens.models import Resident
from minsheng.lib import rows
from minsheng.tickets import chain
from minsheng.tickets.models import Ticket, TicketEvent


def _stored(model: type[Any], pk: int) -> dict[str, Any]:
    return {f.attname: getattr(model.objects.get(pk=pk), f.attname) for f in model._meta.fields}


@pytest.mark.django_db
def test_an_inserted_ticket_is_the_row_save_would_store(make_ticket: Any) -> None:
    template = make_ticket()
    fields = model_to_dict(template, exclude=["id", "number"])
    fields = {Ticket._meta.get_field(k).attname: v for k, v in fields.items()}
    saved = Ticket(**fields, number="FZ0000000001")
    saved.save()
    inserted = Ticket(**fields, number="FZ0000000002")
    rows.insert(inserted)

    assert inserted.pk is not None
    assert not inserted._state.adding
    a, b = _stored(Ticket, saved.pk), _stored(Ticket, inserted.pk)
    for name in ("id", "number"):
        a.pop(name), b.pop(name)
    assert a == b


@pytest.mark.django_db
def test_an_event_keeps_its_json_and_time_and_the_chain_still_verifies(make_ticket: Any) -> None:
    ticket = make_ticket()
    last = ticket.events.order_by("-seq").first()
    at = timezone.now() + timedelta(minutes=5)
    event = TicketEvent(
        ticket=ticket,
        seq=last.seq + 1,
        action="note",
        from_status=ticket.status,
        to_status=ticket.status,
        actor_label="测试",
        note="备注",
        data={"键": ["值", 1, None], "n": 1.5},
        at=at,
        prev_hash=last.hash,
    )
    event.hash = chain.digest(chain.event_content(event), last.hash)
    rows.insert(event)

    stored = TicketEvent.objects.get(pk=event.pk)
    assert stored.data == {"键": ["值", 1, None], "n": 1.5}
    assert stored.at == at
    assert chain.digest(chain.event_content(stored), last.hash) == stored.hash


@pytest.mark.django_db
def test_fetch_reads_a_row_as_the_orm_would_and_none_when_there_is_none() -> None:
    resident = Resident.objects.create(phone="13812345678", name="张先生")
    sql = f'SELECT {rows.columns(Resident)} FROM "citizens_resident" WHERE "phone" = %s'  # noqa: S608

    found = rows.fetch(Resident, sql, ["13812345678"])
    assert found is not None
    assert (found.pk, found.phone, found.name) == (resident.pk, "13812345678", "张先生")
    assert found.created_at == Resident.objects.get().created_at  # aware datetime on SQLite too
    assert rows.fetch(Resident, sql, ["13900000000"]) is None


@pytest.mark.django_db
def test_values_passed_as_they_are_are_what_the_fields_would_prepare() -> None:
    from django.db import connection

    from minsheng.api.models import IdempotencyRecord

    samples = {str: "值 value", int: 7, bool: True}
    checked = 0
    for model in (Ticket, TicketEvent, IdempotencyRecord, Resident):
        for field in model._meta.concrete_fields:
            as_is = rows._as_is(field)
            if as_is is None:
                continue
            value = samples[as_is]
            prepared = field.get_db_prep_save(value, connection)
            assert prepared == value, field
            # PostgreSQL wraps integers in psycopg's Int2/Int4/Int8 (int subclasses) to type
            # server-side parameters; a plain int stores the same value.
            assert isinstance(prepared, as_is), field
            checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_many_rows_each_get_their_own_pk_in_as_many_statements_as_the_limit_needs(
    make_ticket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = model_to_dict(make_ticket(), exclude=["id", "number"])
    fields = {Ticket._meta.get_field(k).attname: v for k, v in template.items()}
    fields.pop("title")
    tickets = [Ticket(**fields, number=f"FZ99999900{i:02d}", title=f"第{i}件") for i in range(7)]
    monkeypatch.setattr(rows, "_MAX_PARAMETERS", len(Ticket._meta.concrete_fields) * 3)

    rows.insert_many(tickets, match=["number"])

    for ticket in tickets:
        assert Ticket.objects.get(pk=ticket.pk).title == ticket.title
    with pytest.raises(ValueError, match="match"):
        rows.insert_many(tickets[:2])


@pytest.mark.django_db
def test_a_model_with_save_receivers_is_refused() -> None:
    from django.db.models.signals import post_save

    from minsheng.citizens.models import Reveal

    def listener(**kwargs: object) -> None:
        pass

    post_save.connect(listener, sender=Reveal)
    try:
        with pytest.raises(TypeError, match="receivers"):
            rows.insert_many([Reveal()], match=())
    finally:
        post_save.disconnect(listener, sender=Reveal)
