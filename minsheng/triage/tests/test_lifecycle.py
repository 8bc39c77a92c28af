"""Training on the demo city's history, activating, rolling back, and a corrupted stored model."""

import pytest
from django.core.management import call_command

from minsheng.tickets.models import Ticket
from minsheng.triage import queries, training
from minsheng.triage.models import ModelVersion
from minsheng.triage.suggest import suggest


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    queries.reset()


@pytest.mark.django_db
def test_the_model_lifecycle_on_the_demo_history(
    caplog: pytest.LogCaptureFixture, client, django_user_model
) -> None:
    call_command("load_demo", verbosity=0)
    # load_demo trains the classifier on its history; start this lifecycle from cold instead.
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    ModelVersion.objects.all().delete()
    queries.reset()

    cold = suggest("小区楼下广场舞音响太吵，晚上十点还不停", address="鼓楼区鼓东街道")
    assert cold.cold_start
    assert cold.category is not None

    first = training.train(note="first")
    assert first.is_active
    assert first.metrics["n_holdout"] > 0
    assert first.metrics["macro_f1"] > 0.5
    assert first.metrics["confusions"] is not None
    second = training.train(note="second")
    assert list(ModelVersion.objects.filter(is_active=True)) == [second]

    warm = suggest("小区楼下广场舞音响太吵，晚上十点还不停", address="鼓楼区鼓东街道")
    assert not warm.cold_start
    assert warm.model_version == second.pk
    assert warm.category.category.name == "噪音扰民"
    assert warm.place.name == "鼓东街道"
    assert warm.units[0].unit.name == "鼓东街道"
    assert "属地" in warm.units[0].reason

    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root"))
    page = client.get("/triage/model/")
    assert f"v{second.pk}" in page.text
    assert "宏平均 F1" in page.text

    assert training.roll_back() == first
    assert ModelVersion.objects.get(is_active=True) == first
    with pytest.raises(training.TrainingError):
        training.roll_back()

    # A damaged blob: predictions fall back to the catalogue, with a warning, never a crash.
    ModelVersion.objects.filter(pk=first.pk).update(blob=b"not a pickle")
    broken = suggest("路灯不亮", address="鼓楼区")
    assert broken.cold_start
    assert any("无法读取" in w for w in broken.warnings)
    assert "unreadable" in caplog.text


@pytest.mark.django_db
def test_training_with_too_little_history_is_a_clear_error(city, catalogue) -> None:
    with pytest.raises(training.TrainingError, match="已办结工单不足"):
        training.train()


@pytest.mark.django_db
def test_a_correction_is_recorded_only_when_it_differs(
    make_ticket, dispatcher, catalogue, city
) -> None:
    ticket = make_ticket()
    record = suggest(ticket.description, address=ticket.address).as_record()
    record["category"] = catalogue["noise"].code
    record["unit"] = city["gudong"].code
    same = training.record_correction(
        ticket, by=dispatcher, category=catalogue["noise"], unit=city["gudong"], suggested=record
    )
    assert same is None
    changed = training.record_correction(
        ticket, by=dispatcher, category=catalogue["policy"], suggested=record
    )
    assert changed is not None
    assert changed.suggested["category"] == "CG-NOISE"
    assert training.history()[-1][1] == "CG-POLICY"
    assert Ticket.objects.count() == 1
