"""Parsing and checking what Open311 clients send: filters, locations, attributes, contacts.

Pure rules (no database). Every problem becomes an Open311Error with the spec's 400, and all the
problems of one request are reported together, so a client can fix them in one go.
"""

import hashlib
import hmac
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.dateparse import parse_date, parse_datetime

from minsheng.citizens.masking import normalise_phone
from minsheng.open311.formats import BEIJING, Open311Error

MAX_DESCRIPTION = 4000
MAX_RECORDS = 1000
WINDOW = timedelta(days=90)
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_TYPES = ("singlevaluelist", "multivaluelist")
MAX_ANSWER = {"string": 200, "text": 2000}
REQUEST_TYPE = "request_type"  # an attribute every service accepts, though none declares it
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# q must not become an oracle for personal data that reads mask: no phone numbers, no e-mails.
_PERSONAL_QUERY = re.compile(r"\d{5,}|@")


@dataclass(frozen=True)
class Filters:
    """What GET requests asks for, with the spec's defaults applied."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1
    page_size: int = MAX_RECORDS
    bbox: tuple[float, float, float, float] | None = None
    q: str = ""
    extensions: bool = False


@dataclass(frozen=True)
class AttributeSpec:
    """An attribute of a service definition, as plain values."""

    code: str
    datatype: str
    required: bool = False
    variable: bool = True
    description: str = ""
    values: tuple[tuple[str, str], ...] = ()  # (key, name)


@dataclass(frozen=True)
class Filing:
    """A POSTed service request, parsed; the service's attributes are checked separately."""

    service_code: str
    lat: float | None
    lon: float | None
    address: str
    address_id: str
    description: str
    media_url: str
    phone: str  # normalised, or '' when the client gave none
    name: str
    identity: tuple[str, str] | None  # (kind, value) of device_id / account_id / email
    raw_attributes: dict[str, list[str]] = field(default_factory=dict)


# --- GET requests --------------------------------------------------------------------------


def parse_filters(params: Mapping[str, str], *, now: datetime) -> Filters:
    """The filters of GET requests; a list of ids overrides every other filter, as the spec says."""
    problems: list[str] = []
    ids = _csv(params.get("service_request_id", ""))
    if len(ids) > MAX_RECORDS:
        problems.append(f"at most {MAX_RECORDS} service_request_id values at once")
    start = _when(params.get("start_date", ""), "start_date", problems)
    end = _when(params.get("end_date", ""), "end_date", problems, end_of_day=True)
    statuses = tuple(s.lower() for s in _csv(params.get("status", "")))
    if any(s not in ("open", "closed") for s in statuses):
        problems.append("status must be open, closed or both, comma delimited")
    page = _positive(params.get("page", ""), "page", problems, default=1)
    page_size = _positive(params.get("page_size", ""), "page_size", problems, default=MAX_RECORDS)
    if page_size > MAX_RECORDS:
        problems.append(f"page_size may not exceed {MAX_RECORDS}")
    bbox = _bbox(params.get("bbox", ""), problems)
    q = params.get("q", "").strip()
    if len(q) > 100:
        problems.append("q may not exceed 100 characters")
    elif _PERSONAL_QUERY.search(q):
        problems.append("q may not search for phone numbers or e-mail addresses")
    extensions = params.get("extensions", "").lower()
    if extensions not in ("", "true", "false", "1", "0"):
        problems.append("extensions must be true or false")
    if start and end and end < start:
        problems.append("end_date is before start_date")
    elif start and end and end - start > WINDOW:
        problems.append("start_date and end_date may not span more than 90 days")
    if problems:
        raise Open311Error(400, *problems)
    if not ids:
        start, end = _window(start, end, now)
    return Filters(
        ids=ids,
        service_codes=_csv(params.get("service_code", "")),
        start=start,
        end=end,
        statuses=statuses,
        page=page,
        page_size=page_size,
        bbox=bbox,
        q=q,
        extensions=extensions in ("true", "1"),
    )


def _window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The spec's default: the 90 days before end_date, after start_date, or up to now."""
    if start and end:
        return start, end
    if start:
        return start, start + WINDOW
    end = end or now
    return end - WINDOW, end


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))


def _when(raw: str, name: str, problems: list[str], *, end_of_day: bool = False) -> Any:
    raw = raw.strip()
    if not raw:
        return None
    value: datetime | None
    try:
        if _DATE.match(raw) and (day := parse_date(raw)) is not None:
            value = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        problems.append(f"{name} must be a W3C date-time such as 2026-01-01T00:00:00+08:00")
        return None
    return value if value.tzinfo else value.replace(tzinfo=BEIJING)


def _positive(raw: str, name: str, problems: list[str], *, default: int) -> int:
    raw = raw.strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        problems.append(f"{name} must be a whole number from 1")
        return default
    return int(raw)


def _bbox(raw: str, problems: list[str]) -> tuple[float, float, float, float] | None:
    if not raw.strip():
        return None
    parts = [_number(p) for p in raw.split(",")]
    numbers = [p for p in parts if p is not None]
    if len(parts) != 4 or len(numbers) != 4:
        problems.append("bbox must be min_lon,min_lat,max_lon,max_lat")
        return None
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        problems.append("bbox must be min_lon,min_lat,max_lon,max_lat within WGS-84 ranges")
        return None
    return min_lon, min_lat, max_lon, max_lat


def _number(raw: str) -> float | None:
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- POST requests -------------------------------------------------------------------------


def parse_filing(form: Mapping[str, list[str]]) -> Filing:
    """A POSTed request's own fields: service, one location, description, media, contact."""
    problems: list[str] = []

    def one(name: str, limit: int) -> str:
        values = form.get(name) or [""]
        value = values[-1].strip()
        if len(value) > limit:
            problems.append(f"{name} may not exceed {limit} characters")
            return ""
        return value

    service_code = one("service_code", 32)
    if not service_code:
        problems.append("service_code was not provided")
    lat_raw, lon_raw = one("lat", 40), one("long", 40)
    lat = lon = None
    if lat_raw or lon_raw:
        lat, lon = _number(lat_raw), _number(lon_raw)
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append("lat and long must both be WGS-84 decimal degrees")
            lat = lon = None
    address, address_id = one("address_string", 200), one("address_id", 100)
    if not (lat_raw or lon_raw or address or address_id):
        problems.append("a location is required: lat and long, address_string or address_id")
    description = one("description", MAX_DESCRIPTION)
    media_url = one("media_url", 1000)
    if media_url and not _is_web_url(media_url):
        problems.append("media_url must be an http or https URL")
    raw_phone = one("phone", 30)
    phone = normalise_phone(raw_phone) if raw_phone else ""
    if raw_phone and not phone:
        problems.append("phone is not a telephone number")
    email = one("email", 254)
    if email and not _is_email(email):
        problems.append("email is not an e-mail address")
    identity = _identity(one("device_id", 100), one("account_id", 100), email.lower())
    if not phone and identity is None:
        problems.append(
            "phone is required so that the 12345 centre can call back; "
            "without it, send device_id, account_id or email to file under a pseudonym"
        )
    name = _name(one("first_name", 50), one("last_name", 50))
    if problems:
        raise Open311Error(400, *problems)
    return Filing(
        service_code=service_code,
        lat=lat,
        lon=lon,
        address=address,
        address_id=address_id,
        description=description,
        media_url=media_url,
        phone=phone,
        name=name,
        identity=identity,
        raw_attributes=attribute_values(form.items()),
    )


def attribute_values(items: Iterable[tuple[str, list[str]]]) -> dict[str, list[str]]:
    """attribute[code]=v and attribute[code][]=v (repeated for lists) as {code: [v, …]}."""
    answers: dict[str, list[str]] = {}
    for key, values in items:
        match = _ATTRIBUTE.match(key)
        if match:
            answers.setdefault(match.group(1), []).extend(v.strip() for v in values if v.strip())
    return answers


def check_answers(
    raw: dict[str, list[str]], specs: Iterable[AttributeSpec]
) -> dict[str, str | list[str]]:
    """The answers to a service's attributes, checked against its definition."""
    problems: list[str] = []
    answers: dict[str, str | list[str]] = {}
    specs = [s for s in specs if s.variable]
    known = {s.code for s in specs} | {REQUEST_TYPE}
    problems += [
        f"attribute[{code}] is not an attribute of this service"
        for code in raw
        if code not in known
    ]
    for spec in specs:
        values = raw.get(spec.code, [])
        if not values:
            if spec.required:
                problems.append(f"attribute[{spec.code}] is required")
            continue
        problem = _check_one(spec, values)
        if problem:
            problems.append(f"attribute[{spec.code}] {problem}")
        else:
            answers[spec.code] = values if spec.datatype == "multivaluelist" else values[0]
    if problems:
        raise Open311Error(400, *problems)
    return answers


def _check_one(spec: AttributeSpec, values: list[str]) -> str:
    if spec.datatype != "multivaluelist" and len(values) > 1:
        return "takes one value"
    if spec.datatype in LIST_TYPES:
        keys = {key for key, _ in spec.values}
        wrong = [v for v in values if v not in keys]
        return f"must be one of {', '.join(sorted(keys))}" if wrong else ""
    value = values[0]
    if spec.datatype == "number" and _number(value) is None:
        return "must be a number"
    if spec.datatype == "datetime" and _when(value, spec.code, []) is None:
        return "must be a W3C date-time"
    limit = MAX_ANSWER.get(spec.datatype, 200)
    return f"may not exceed {limit} characters" if len(value) > limit else ""


def request_type(raw: dict[str, list[str]], *, allowed: list[str], all_types: list[str]) -> str:
    """attribute[request_type], else 求助 (help) where the service takes it, else its first type."""
    values = raw.get(REQUEST_TYPE, [])
    choices = [t for t in all_types if not allowed or t in allowed]
    if values:
        if len(values) > 1 or values[0] not in choices:
            raise Open311Error(
                400, f"attribute[{REQUEST_TYPE}] must be one of {', '.join(choices)}"
            )
        return values[0]
    return "help" if "help" in choices else choices[0]


def pseudonym_phone(secret: str, *, key_id: int, identity: tuple[str, str]) -> str:
    """A stable, non-dialable stand-in number for a requester who gave no phone.

    "000" + nine digits of a keyed hash of (API key, device/account/e-mail): no real Chinese
    number starts with 000, the same device always maps to the same resident, and the e-mail or
    device id itself is never stored.
    """
    message = f"{key_id}:{identity[0]}:{identity[1]}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"000{int(digest, 16) % 10**9:09d}"


def _identity(device_id: str, account_id: str, email: str) -> tuple[str, str] | None:
    for kind, value in (("account_id", account_id), ("device_id", device_id), ("email", email)):
        if value:
            return kind, value
    return None


def _name(first: str, last: str) -> str:
    if (first + last).isascii():
        return f"{first} {last}".strip()[:50]
    return f"{last}{first}"[:50]  # Chinese order: family name first


def _is_web_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _is_email(value: str) -> bool:
    try:
        EmailValidator()(value)
    except ValidationError:
        return False
    return True
