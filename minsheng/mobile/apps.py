from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "minsheng.mobile"
    verbose_name = "手机端诉求"
