"""The wire format of a delivery, its signature and its retry schedule (no database)."""

from datetime import timedelta

from minsheng.webhooks import signing


def test_the_body_is_canonical_and_carries_its_timestamp() -> None:
    content = signing.body({"b": 1, "a": "工单"}, delivery=7, attempt=2, timestamp=1700000000)

    assert content == (
        '{"a":"工单","attempt":2,"b":1,"delivery":7,"timestamp":1700000000}'.encode()
    )


def test_a_signature_verifies_only_with_the_same_secret_body_and_a_recent_time() -> None:
    content = signing.body({"type": "ticket.reply"}, delivery=1, attempt=1, timestamp=1000)
    signature = signing.sign("s3cret", content)

    assert signature.startswith("sha256=")
    assert signing.verify("s3cret", content, signature, now=1100)
    assert not signing.verify("other", content, signature, now=1100)
    assert not signing.verify("s3cret", content + b" ", signature, now=1100)
    assert not signing.verify("s3cret", content, signature, now=1000 + 301)


def test_retries_back_off_exponentially_up_to_six_hours() -> None:
    waits = [signing.backoff(n) for n in (1, 2, 3, 4)]

    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert signing.backoff(50) == timedelta(hours=6)
    assert not signing.gives_up(9)
    assert signing.gives_up(10)
