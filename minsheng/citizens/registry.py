"""The resident record: the one place a resident's phone and name are written."""

from minsheng.citizens.models import Resident


def remember(*, phone: str, name: str = "") -> Resident:
    """The resident with this (normalised) phone, created on first contact; name kept current."""
    resident, created = Resident.objects.get_or_create(phone=phone, defaults={"name": name})
    if not created and name and resident.name != name:
        resident.name = name
        resident.save(update_fields=["name"])
    return resident
