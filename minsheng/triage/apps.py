from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "minsheng.triage"
    verbose_name = "智能分拨"
    default_auto_field = "django.db.models.BigAutoField"
