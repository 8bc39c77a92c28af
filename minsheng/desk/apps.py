from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "minsheng.desk"
    verbose_name = "工作台"
