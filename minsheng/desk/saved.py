"""The desk's one write module: the filters staff save on their work lists (常用筛选)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.desk.models import SavedFilter

PER_LIST = 20  # saved filters one person keeps on one list


class FilterError(Exception):
    """The filter cannot be saved; the message is for the user."""


@transaction.atomic
def save(user: User, list_key: str, name: str, query: str) -> SavedFilter:
    """Save the list's filter under a name; the same name again replaces it."""
    name = name.strip()
    if not name:
        raise FilterError(_("请填写筛选名称。"))
    if not query:
        raise FilterError(_("当前没有筛选条件，请先筛选再保存。"))
    mine = SavedFilter.objects.select_for_update().filter(user=user, list_key=list_key)
    existing = mine.filter(name=name).first()
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        return existing
    if mine.count() >= PER_LIST:
        raise FilterError(_("每个清单最多保存 %(n)d 个筛选，请先删除不用的。") % {"n": PER_LIST})
    return SavedFilter.objects.create(
        user=user, list_key=list_key, name=name, query=query, created_at=timezone.now()
    )


@transaction.atomic
def delete(user: User, pk: int) -> bool:
    """Delete one of the user's own saved filters; False if there was none."""
    deleted, _rows = SavedFilter.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)
