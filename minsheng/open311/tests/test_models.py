"""An attribute's definition is checked when an administrator saves it."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minsheng.open311.models import ServiceAttribute


def _attribute(category: Any, **fields: Any) -> ServiceAttribute:
    defaults = {"code": "period", "datatype": "singlevaluelist", "description": "时段"}
    return ServiceAttribute(category=category, **{**defaults, **fields})


@pytest.mark.parametrize(
    "values",
    [[], [{"key": "a"}], [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}], "a,b"],
)
def test_a_list_question_needs_well_formed_distinct_options(
    catalogue: dict[str, Any], values: Any
) -> None:
    with pytest.raises(ValidationError):
        _attribute(catalogue["noise"], values=values).clean()


def test_a_free_question_has_no_options_and_request_type_is_reserved(
    catalogue: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError):
        _attribute(
            catalogue["noise"], datatype="string", values=[{"key": "a", "name": "A"}]
        ).clean()
    with pytest.raises(ValidationError):
        _attribute(catalogue["noise"], code="request_type", datatype="string").clean()


def test_a_well_formed_question_passes(catalogue: dict[str, Any]) -> None:
    attribute = _attribute(catalogue["noise"], values=[{"key": "night", "name": "夜间"}])

    attribute.clean()
    attribute.save()
    assert str(attribute) == "CG-NOISE · period"
