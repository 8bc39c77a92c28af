"""Gateways that deliver a message: SMS through a pluggable backend, e-mail through Django.

`MINSHENG_SMS_BACKEND` is `console` (the log, for development and the demo), `http` (a generic
JSON gateway) or the dotted path of a class with the same `send` method.
"""

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from minsheng.citizens.masking import mask_phone

logger = logging.getLogger("minsheng.sms")


class SendError(Exception):
    """The gateway did not take the message; the outbox will try again later."""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str, *, key: str) -> None: ...


class ConsoleSmsBackend:
    """Writes each SMS to the log (the phone masked); optionally appends it to a JSON-lines file."""

    def send(self, phone: str, text: str, *, key: str) -> None:
        logger.info("SMS %s → %s: %s", key, mask_phone(phone), text)
        path = getattr(settings, "MINSHENG_SMS_OUTBOX_FILE", "")
        if path:
            line = json.dumps(
                {"key": key, "to": mask_phone(phone), "text": text}, ensure_ascii=False
            )
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()


class HttpSmsBackend:
    """POSTs `{"phone", "text", "id"}` as JSON to the provider's URL with a bearer token.

    `id` is the notification's dedupe key: a provider that honours it drops the duplicate a
    retry after an unconfirmed send would otherwise cause.
    """

    def __init__(self, url: str = "", token: str = "", timeout: float = 10.0) -> None:
        self.url = url or getattr(settings, "MINSHENG_SMS_HTTP_URL", "")
        self.token = token or getattr(settings, "MINSHENG_SMS_HTTP_TOKEN", "")
        self.timeout = timeout

    def send(self, phone: str, text: str, *, key: str) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise SendError("短信网关地址未配置（MINSHENG_SMS_HTTP_URL）。")
        payload = json.dumps({"phone": phone, "text": text, "id": key}, ensure_ascii=False)
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=payload.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": key,
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            raise SendError(f"短信网关返回 {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SendError(f"短信网关不可达：{error}") from error
        if not 200 <= status < 300:
            raise SendError(f"短信网关返回 {status}")


def sms_backend() -> SmsBackend:
    name = getattr(settings, "MINSHENG_SMS_BACKEND", "console") or "console"
    if name == "console":
        return ConsoleSmsBackend()
    if name == "http":
        return HttpSmsBackend()
    backend: SmsBackend = import_string(name)()
    return backend


def send_email(address: str, subject: str, body: str) -> None:
    """One e-mail through Django's configured e-mail backend."""
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception as error:  # SMTP errors of every kind: retried by the outbox
        raise SendError(f"邮件发送失败：{error}") from error
