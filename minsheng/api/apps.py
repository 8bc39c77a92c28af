from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "minsheng.api"
    verbose_name = "原生接口"
