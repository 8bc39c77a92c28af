"""The optional second factor for staff: a TOTP authenticator app (RFC 6238, `pyotp`).

A member of staff starts it, scans the QR code, and confirms with a first code; from then on
the login form asks for the current code as well. Each code is accepted once (the time step
used is kept), a step either side of now is allowed for clock drift, and a wrong code counts
as a failed login (accounts.throttle). The only code that writes SecondFactor.
"""

import hmac
import time
from datetime import UTC, datetime

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import SecondFactor, User

ISSUER = "民生12345"
DRIFT_STEPS = 1


def active(user: User) -> bool:
    """Whether this user's login asks for a code."""
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def start(user: User) -> SecondFactor:
    """A new secret waiting for its first code (replacing an unconfirmed one)."""
    with transaction.atomic():
        SecondFactor.objects.filter(user=user, confirmed_at__isnull=True).delete()
        factor, _ = SecondFactor.objects.get_or_create(
            user=user, defaults={"secret": pyotp.random_base32()}
        )
    return factor


def pending(user: User) -> SecondFactor | None:
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=True).first()


def provisioning_uri(factor: SecondFactor) -> str:
    return pyotp.TOTP(factor.secret).provisioning_uri(name=factor.user.username, issuer_name=ISSUER)


def qr_svg(factor: SecondFactor) -> str:
    """The QR code of the secret, as inline SVG (no script, no outside request)."""
    return str(segno.make(provisioning_uri(factor), error="m").svg_inline(scale=5))


def confirm(user: User, code: str, *, now: float | None = None) -> bool:
    """Switch the pending secret on with its first code."""
    with transaction.atomic():
        factor = (
            SecondFactor.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=True)
            .first()
        )
        if factor is None or not _accept(factor, code, now):
            return False
        factor.confirmed_at = timezone.now()
        factor.save(update_fields=["confirmed_at", "last_step"])
    return True


def verify(user: User, code: str, *, now: float | None = None) -> bool:
    """Whether `code` is this user's current code, not used before (and mark it used)."""
    with transaction.atomic():
        factor = (
            SecondFactor.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if factor is None or not _accept(factor, code, now):
            return False
        factor.save(update_fields=["last_step"])
    return True


def disable(user: User, code: str) -> bool:
    """Switch it off, proven with a current code."""
    with transaction.atomic():
        if not verify(user, code):
            return False
        SecondFactor.objects.filter(user=user).delete()
    return True


def _accept(factor: SecondFactor, code: str, now: float | None) -> bool:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(factor.secret)
    current = totp.timecode(datetime.fromtimestamp(time.time() if now is None else now, tz=UTC))
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > factor.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            factor.last_step = step
            return True
    return False
