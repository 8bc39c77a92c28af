from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "minsheng.residents"
    verbose_name = "群众端"
