"""The pages' English (minsheng/parcels/locale/en)."""

from django.utils import translation
from django.utils.translation import gettext


def test_the_menu_and_pages_have_english() -> None:
    with translation.override("en"):
        assert gettext("客货邮") == "Parcels by bus"
        assert gettext("每个村的链路与理由") == "Each village's chain and why"
    with translation.override("zh-hans"):
        assert gettext("客货邮") == "客货邮"
