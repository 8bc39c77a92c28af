"""What counts as the same request for idempotency (no database)."""

from minsheng.api import canonical


def test_key_order_and_whitespace_do_not_change_the_hash() -> None:
    first = canonical.request_hash("POST", "/api/v1/tickets", b'{"a": 1, "b": [1, 2]}')
    second = canonical.request_hash("post", "/api/v1/tickets", b'{"b":[1,2],"a":1}')
    assert first == second


def test_a_different_value_or_path_changes_the_hash() -> None:
    base = canonical.request_hash("POST", "/api/v1/tickets", b'{"a": 1}')
    assert canonical.request_hash("POST", "/api/v1/tickets", b'{"a": 2}') != base
    assert canonical.request_hash("POST", "/api/v1/tickets/X/accept", b'{"a": 1}') != base


def test_an_empty_body_hashes_like_an_empty_object() -> None:
    assert canonical.request_hash("POST", "/p", b"") == canonical.request_hash("POST", "/p", b"{}")


def test_keys_are_one_to_255_visible_ascii_characters() -> None:
    assert canonical.valid_key("order-2025-0001")
    assert not canonical.valid_key("")
    assert not canonical.valid_key(None)
    assert not canonical.valid_key("has space")
    assert not canonical.valid_key("工单")
    assert not canonical.valid_key("x" * 256)
