"""Masking of personal data shown outside the hotline centre (个人信息保护法)."""

import re

_PHONE = re.compile(r"^\+?\d[\d -]{5,}$")
# Requests with nobody to answer (a paper slip without a phone, a sensor's alarm, work the
# platform raises itself) are filed under placeholder residents whose numbers begin with
# PLACEHOLDER_PREFIX; no real number does. Their tickets send no SMS and are never reachable
# from the resident pages.
PLACEHOLDER_PREFIX = "00000000"
NO_CONTACT = "0000000000"


def is_placeholder(phone: str) -> bool:
    """True for the placeholder residents' numbers (说事箱, sensors, proactive work …)."""
    return (phone or "").startswith(PLACEHOLDER_PREFIX)


def mask_phone(phone: str) -> str:
    """138****5678: keep the first three and last four digits of a number."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def normalise_phone(raw: str) -> str:
    """Digits only, without the +86/0086 prefix; '' if it does not look like a number."""
    value = (raw or "").strip()
    if not _PHONE.match(value):
        return ""
    digits = re.sub(r"\D", "", value)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits if 7 <= len(digits) <= 12 else ""


def mask_name(name: str) -> str:
    """张** : keep the surname only."""
    return f"{name[0]}{'*' * (len(name) - 1)}" if name else ""
