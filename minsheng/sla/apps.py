from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "minsheng.sla"
    verbose_name = "办理时限"
