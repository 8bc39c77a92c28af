"""The declared actions are the one source: every surface is derived from them."""

from pathlib import Path

from minsheng.api import actions as api_actions
from minsheng.desk import forms
from minsheng.tickets import actions, names, workflow
from minsheng.tickets.models import Status
from minsheng.tickets.transitions import TRANSITIONS


def test_the_names_module_imports_no_django() -> None:
    assert "django" not in Path(names.__file__).read_text(encoding="utf-8")


def test_every_action_is_declared_once_and_every_status_has_a_label() -> None:
    declared = [c.action for c in actions.COMMANDS]
    assert sorted(declared) == sorted(names.Action)
    assert len(declared) == len(set(declared))
    assert [s.value for s in Status] == [s.value for s in names.Status]


def test_every_declared_function_is_a_workflow_function() -> None:
    for command in actions.COMMANDS:
        if command.function is not None:
            assert callable(getattr(workflow, command.function)), command.action


def test_the_transition_table_is_the_declarations() -> None:
    for command in actions.COMMANDS:
        if command.action == names.Action.RECEIVE:
            assert command.action not in TRANSITIONS
            continue
        move = TRANSITIONS[command.action]
        assert move.sources == frozenset(command.sources)
        assert move.target == command.target
        assert move.roles == frozenset(command.roles)


def test_the_ticket_page_offers_a_form_per_action_a_person_takes_there() -> None:
    expected = {
        c.action
        for c in actions.COMMANDS
        if c.screen and c.function and c.action != names.Action.VISIT
    }
    assert set(forms.ACTION_FORMS) == expected
    dispatch = forms.ACTION_FORMS[names.Action.DISPATCH]
    assert list(dispatch.base_fields) == ["unit", "cohandlers", "category", "note"]
    assert dispatch.needs_units
    assert list(forms.ACTION_FORMS[names.Action.ACCEPT].base_fields) == []  # the note is API-only


def test_the_api_has_an_endpoint_per_declared_path_with_the_declared_body() -> None:
    paths = {e.path: e for e in api_actions.ENDPOINTS}
    assert set(paths) == {c.api_path for c in actions.COMMANDS if c.api_path}
    decision = paths["extension-decision"]
    assert {c.action for c in decision.commands} == {
        names.Action.APPROVE_EXTENSION,
        names.Action.REFUSE_EXTENSION,
    }
    body = decision.body.model_json_schema()
    assert body["required"] == ["approve"]  # the note is optional when approving
    dispatch = paths["dispatch"].body.model_json_schema()
    assert set(dispatch["properties"]) == {"acting_user", "unit", "cohandlers", "category", "note"}
    assert dispatch["required"] == ["unit"]


def test_labels_come_from_the_declarations() -> None:
    assert actions.label("accept") == "签收"
    assert actions.label("no-such-action") == "no-such-action"
