"""The demo's extra questions load onto the catalogue, and loading twice changes nothing."""

from typing import Any

from django.core.management import call_command

from minsheng.open311.models import ServiceAttribute
from minsheng.taxonomy.models import Category


def test_the_demo_questions_load_once_onto_existing_leaves(db: Any) -> None:
    from minsheng.sla.models import DeadlinePolicy

    group = Category.objects.create(code="ZF", name="住房物业")
    lift = Category.objects.create(
        code="ZF03", name="电梯故障", parent=group, policy=DeadlinePolicy.objects.first()
    )

    call_command("load_service_attributes", verbosity=0)
    call_command("load_service_attributes", verbosity=0)

    trapped = ServiceAttribute.objects.get()
    assert trapped.category == lift
    assert trapped.code == "trapped"
    assert trapped.required is True
    assert [v["key"] for v in trapped.values] == ["yes", "no"]
