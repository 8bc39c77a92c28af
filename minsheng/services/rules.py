"""The rules of bundled services, in plain Python (tested without a database)."""

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from minsheng.sla.calendar import WorkCalendar


class RuleError(ValueError):
    """Input a person must correct; the message is for them, in Chinese."""


Deps = Mapping[int, Iterable[int]]  # item -> the items it waits for


def check_order(deps: Deps, names: Mapping[int, str] | None = None) -> list[int]:
    """The items in an order that respects every dependency; RuleError on a cycle or an item
    that depends on one outside the bundle."""
    names = names or {}
    waits = {item: set(before) for item, before in deps.items()}
    for item, before in waits.items():
        unknown = before - waits.keys()
        if unknown:
            raise RuleError(f"事项“{names.get(item, item)}”的前置事项不在本件事中。")
    order: list[int] = []
    left = dict(waits)
    while left:
        free = sorted(item for item, before in left.items() if not before - set(order))
        if not free:
            stuck = "、".join(str(names.get(i, i)) for i in sorted(left))
            raise RuleError(f"事项之间存在循环依赖：{stuck}。")
        order.extend(free)
        for item in free:
            del left[item]
    return order


def ready(deps: Deps, *, done: Iterable[int], started: Iterable[int]) -> list[int]:
    """The items not yet started whose every prerequisite is done: these start now, together."""
    finished, begun = set(done), set(started)
    return sorted(
        item
        for item, before in deps.items()
        if item not in begun and item not in finished and set(before) <= finished
    )


def critical_workdays(limits: Mapping[int, int], deps: Deps) -> int:
    """The bundle's promised length: the longest chain of legal limits through the
    dependencies (independent items run side by side)."""
    longest: dict[int, int] = {}
    for item in check_order(deps):
        before = [longest[b] for b in deps.get(item, ())]
        longest[item] = max(before, default=0) + limits[item]
    return max(longest.values(), default=0)


def sequential_workdays(limits: Mapping[int, int]) -> int:
    """What the resident would wait going from window to window: the sum of the limits."""
    return sum(limits.values())


def elapsed_workdays(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days from the day of application to the day all was done; a same-day finish
    counts as one working day (the article's "one working day")."""
    return max(calendar.workdays_between(start, end), 1)


# --- the combined form -----------------------------------------------------------------------

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def valid_id_number(value: str) -> bool:
    """A mainland resident ID number (18 characters, GB 11643 check digit)."""
    if not ID_NUMBER.match(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17].upper()


def mask_id(value: str) -> str:
    """An ID number as its first 6 and last 4 characters (docs/extending.md)."""
    return f"{value[:6]}********{value[-4:]}" if len(value) >= 10 else "****"


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str  # text | date | id | choice
    required: bool
    choices: tuple[str, ...] = ()


def clean_answers(questions: Iterable[Question], raw: Mapping[str, str]) -> dict[str, str]:
    """The form's answers, each asked once, checked; RuleError names the first bad one."""
    answers: dict[str, str] = {}
    for q in questions:
        value = (raw.get(q.key) or "").strip()
        if not value:
            if q.required:
                raise RuleError(f"请填写“{q.label}”。")
            continue
        if len(value) > 200:
            raise RuleError(f"“{q.label}”不能超过 200 字。")
        if q.kind == "id" and not valid_id_number(value):
            raise RuleError(f"“{q.label}”不是有效的身份证号码。")
        if q.kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise RuleError(f"“{q.label}”请按 2026-01-31 的格式填写日期。") from None
        if q.kind == "choice" and q.choices and value not in q.choices:
            raise RuleError(f"“{q.label}”请从给出的选项中选择。")
        answers[q.key] = value
    return answers


def answers_for(
    item_keys: Iterable[str], labels: Mapping[str, str], answers: Mapping[str, str]
) -> list[tuple[str, str]]:
    """What one item's department receives: the answers of the fields mapped to it."""
    return [(labels[k], answers[k]) for k in item_keys if k in answers]


# --- proxies (亲友代办) --------------------------------------------------------------------------


def proxy_refusal(
    *,
    today: date,
    valid_until: date,
    confirmed: bool,
    revoked: bool,
    covers_bundle: bool,
) -> str | None:
    """Why an authorisation does not let its proxy act now, or None."""
    if revoked:
        return "该代办授权已被撤销，不能再代为办理。"
    if not confirmed:
        return "该代办授权尚未生效（须委托人短信确认或上传签字授权书）。"
    if today > valid_until:
        return f"该代办授权已于 {valid_until:%Y-%m-%d} 到期，不能再代为办理。"
    if not covers_bundle:
        return "该代办授权不包括这件事。"
    return None


def both_names(proxy_name: str, principal_name: str) -> str:
    """How a proxy's act is signed on the timeline: both names."""
    return f"{proxy_name}（代{principal_name}办理）"


# --- video pre-review ------------------------------------------------------------------------

SIGNAL_KINDS = frozenset({"offer", "answer", "ice", "bye"})
SIGNAL_SENDERS = frozenset({"resident", "clerk"})
MAX_SIGNAL = 20_000  # an SDP with its candidates is a few kilobytes


def turn_credential(secret: str, *, now: int, ttl: int, user: str = "services") -> tuple[str, str]:
    """A time-limited TURN credential as coturn's `use-auth-secret` checks it (the TURN REST
    API): the username is the expiry time and a name, the password the base64 HMAC-SHA1 of
    the username under the shared secret."""
    username = f"{now + ttl}:{user}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def checklist(materials: Iterable[str], ticked: Iterable[str]) -> tuple[str, list[str]]:
    """The result of a pre-review: complete, or missing with the materials not seen."""
    seen = set(ticked)
    missing = [m for m in materials if m not in seen]
    return ("missing" if missing else "complete"), missing


# --- cross-region transfer -------------------------------------------------------------------

TRANSFER_MARK = "跨省通办转办编号"


def transfer_text(key: str, bundle: str, origin: str, lines: Iterable[tuple[str, str]]) -> str:
    """The description sent to the other region: what is asked, and the key that makes a
    retry find the request it filed before instead of filing another."""
    body = "；".join(f"{label}：{value}" for label, value in lines)
    return f"【{bundle}】由{origin}转来。{body}\n{TRANSFER_MARK}：{key}"


def transfer_origin(text: str) -> tuple[str, str]:
    """The bundle's name and the sending region in a transfer's description."""
    found = re.match(r"^【(.{1,60}?)】由(.{1,60}?)转来", text or "")
    return (found.group(1), found.group(2)) if found else ("", "")


def key_in(text: str) -> str | None:
    """The transfer key in a request's description, if it came as a transfer."""
    found = re.search(TRANSFER_MARK + r"：([A-Za-z0-9-]{8,40})", text or "")
    return found.group(1) if found else None
