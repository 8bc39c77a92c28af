from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TriageConfig(AppConfig):
    name = "minsheng.triage"
    verbose_name = "智能分拨"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A unit or place name saved here is seen by this process at once; other processes
        # see it when their cache's stamp changes (queries.CACHE_SECONDS).
        from minsheng.orgs.models import Unit
        from minsheng.triage.models import Place

        for model in (Unit, Place):
            post_save.connect(_forget_places, sender=model, dispatch_uid=f"triage-{model}")
            post_delete.connect(_forget_places, sender=model, dispatch_uid=f"triage-d-{model}")


def _forget_places(**_: Any) -> None:
    from minsheng.triage import queries

    queries.forget_places()
