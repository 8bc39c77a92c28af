from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "minsheng.supervision"
    verbose_name = "督查督办"
