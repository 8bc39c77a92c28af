from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from minsheng.accounts import keys
from minsheng.accounts.models import ApiKey


def test_an_issued_key_authenticates_for_its_scopes_only(db: Any) -> None:
    key, raw = keys.issue("微信小程序", scopes=["open311"])
    assert keys.authenticate(raw, scope="open311") == key
    assert keys.authenticate(raw, scope="api") is None
    assert raw not in key.key_hash


def test_a_wrong_or_malformed_key_is_refused(db: Any) -> None:
    _, raw = keys.issue("网格系统", scopes=["api"])
    for bad in [
        "",
        "ms_",
        raw[:-1] + ("x" if raw[-1] != "x" else "y"),
        "Bearer " + raw,
        "' OR 1=1",
    ]:
        assert keys.authenticate(bad, scope="api") is None


def test_a_disabled_key_is_refused(db: Any) -> None:
    key, raw = keys.issue("旧系统", scopes=["api"])
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    assert keys.authenticate(raw, scope="api") is None


def test_unknown_scopes_are_refused(db: Any) -> None:
    with pytest.raises(ValueError, match="scopes"):
        keys.issue("x", scopes=["admin"])
    assert not ApiKey.objects.exists()


def test_the_command_prints_the_key_last(db: Any) -> None:
    out = StringIO()
    call_command("issue_api_key", "市民热线App", "--scopes", "open311,api", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert keys.authenticate(raw, scope="api") is not None
    with pytest.raises(CommandError):
        call_command("issue_api_key", "市民热线App", stdout=StringIO())
