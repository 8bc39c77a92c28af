from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "minsheng.intake"
    verbose_name = "受理"
