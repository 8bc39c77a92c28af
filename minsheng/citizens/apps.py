from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "minsheng.citizens"
    verbose_name = "群众"
