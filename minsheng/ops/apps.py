from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "minsheng.ops"
    verbose_name = "运行维护"
