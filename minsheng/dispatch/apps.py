from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "minsheng.dispatch"
    verbose_name = "自动派单"
