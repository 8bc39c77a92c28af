"""The write module of cross-region transfer (跨省通办): an application that belongs to another
region goes to that region's system over Open311 (POST requests.json), and its status comes
back by polling (GET requests/<id>.json).

Retries never duplicate: every transfer has a key, written into the request's description;
before filing (again) the other system is asked for a request carrying that key (`q=`, which
minsheng's Open311 answers), and one found is adopted instead of filing another. A system that
does not search by `q` still gets one request per successful POST: the key is stored with the
answer in the same transaction, so only a response lost on the way back can repeat it.
"""

import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.services import rules, write
from minsheng.services.models import Application, Peer, Transfer
from minsheng.services.rules import RuleError

logger = logging.getLogger("minsheng.services")
TIMEOUT = 10
MAX_ATTEMPTS = 8


class PeerError(Exception):
    """The other system did not answer as Open311 says."""


def _call(url: str, *, data: dict[str, str] | None = None) -> Any:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in _url
        url, data=body, method="POST" if body else "GET"
    )
    if body:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        # The URL is the administrator's peer endpoint, checked to be http(s) in `_url`.
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")[:200]
        raise PeerError(f"对方系统返回 {error.code}：{text}") from error
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise PeerError(f"无法连接对方系统：{error}") from error


def _url(peer: Peer, path: str) -> str:
    if not peer.endpoint.startswith(("http://", "https://")):
        raise PeerError("对方系统地址须以 http:// 或 https:// 开头。")
    return peer.endpoint.rstrip("/") + "/" + path


def send(app: Application, peer: Peer, *, by: User | str) -> Transfer:
    """Record the transfer (one transaction), then try to deliver it; a failed delivery is
    retried by the worker (`poll_due`) with the same key."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        if locked.transfers.exclude(state=Transfer.State.CLOSED).exists():
            raise RuleError("这份申请已经转出，正在对方办理。")
        transfer = Transfer.objects.create(
            application=locked,
            peer=peer,
            key=new_key(),
            created_at=timezone.now(),
        )
        Application.objects.filter(pk=locked.pk).update(state=Application.State.TRANSFERRED)
        write.record(
            locked, "transfer", f"跨省通办：转至{peer.name}", by, note=f"转办编号 {transfer.key}"
        )
    deliver(transfer)
    return transfer


KEY_LETTERS = "abcdefghjkmnpqrstuvwxyz"  # letters only: never taken for a phone number by `q`


def new_key() -> str:
    return "zb-" + "".join(secrets.choice(KEY_LETTERS) for _ in range(20))


def _find(transfer: Transfer) -> str | None:
    """The request the other system already holds for this key, if it says so."""
    found = _call(
        _url(transfer.peer, "requests.json?" + urllib.parse.urlencode({"q": transfer.key}))
    )
    for row in found if isinstance(found, list) else []:
        if isinstance(row, dict) and rules.key_in(str(row.get("description", ""))) == transfer.key:
            return str(row.get("service_request_id") or "") or None
    return None


def deliver(transfer: Transfer) -> bool:
    """File the transfer on the other system once; True when it holds it."""
    transfer.refresh_from_db()
    if transfer.remote_id:
        return True
    app, peer = transfer.application, transfer.peer
    try:
        number = _find(transfer)
        if number is None:
            # Open311 lists descriptions publicly: the form's answers stay home, only what
            # the other region must ask the applicant for is named.
            asked = "、".join(f.label for f in app.bundle.fields.all() if f.key in app.answers)
            lines = [("需与申请人核对", asked)] if asked else []
            answer = _call(
                _url(peer, "requests.json"),
                data={
                    "api_key": peer.api_key,
                    "service_code": peer.service_code,
                    "description": rules.transfer_text(
                        transfer.key, app.bundle.name, app.bundle.window.name, lines
                    ),
                    "first_name": app.name,
                    # Open311 wants a location: the applicant's own where the form asked it.
                    "address_string": (
                        app.answers.get("address")
                        or app.bundle.window_address
                        or app.bundle.window.name
                    )[:120],
                    "phone": app.resident.phone,
                },
            )
            first = answer[0] if isinstance(answer, list) and answer else {}
            number = str(first.get("service_request_id") or "") or None
            if number is None:
                raise PeerError("对方系统没有返回编号。")
    except PeerError as error:
        Transfer.objects.filter(pk=transfer.pk).update(
            attempts=transfer.attempts + 1, last_error=str(error)[:200]
        )
        logger.warning("transfer %s: %s", transfer.key, error)
        return False
    with transaction.atomic():
        Transfer.objects.filter(pk=transfer.pk).update(
            remote_id=number,
            state=Transfer.State.SENT,
            attempts=transfer.attempts + 1,
            last_error="",
        )
        write.record(app, "transferred", f"{peer.name}已接收", peer.name, note=f"对方编号 {number}")
    return True


def poll(transfer: Transfer) -> str:
    """Fetch the other system's status; a change is recorded on the application's timeline."""
    transfer.refresh_from_db()
    if not transfer.remote_id:
        return ""
    found = _call(_url(transfer.peer, f"requests/{urllib.parse.quote(transfer.remote_id)}.json"))
    row = found[0] if isinstance(found, list) and found else {}
    status = str(row.get("status") or "")
    notes = str(row.get("status_notes") or "")[:500]
    with transaction.atomic():
        changed = status != transfer.remote_status or notes != transfer.remote_notes
        state = Transfer.State.CLOSED if status == "closed" else transfer.state
        Transfer.objects.filter(pk=transfer.pk).update(
            remote_status=status, remote_notes=notes, state=state, polled_at=timezone.now()
        )
        if changed:
            label = "对方已办结" if status == "closed" else "对方办理中"
            write.record(
                transfer.application,
                "remote",
                f"{transfer.peer.name}：{label}",
                transfer.peer.name,
                note=notes,
            )
    return status


def poll_due(limit: int = 50) -> int:
    """The worker's step: deliver what is pending, fetch the status of what is out."""
    done = 0
    pending = Transfer.objects.filter(state=Transfer.State.PENDING, attempts__lt=MAX_ATTEMPTS)
    for transfer in pending.select_related("peer", "application")[:limit]:
        done += deliver(transfer)
    for transfer in Transfer.objects.filter(state=Transfer.State.SENT).select_related("peer")[
        :limit
    ]:
        try:
            poll(transfer)
            done += 1
        except PeerError as error:
            logger.warning("transfer %s: %s", transfer.key, error)
    return done
