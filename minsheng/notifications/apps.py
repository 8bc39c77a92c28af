from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "minsheng.notifications"
    verbose_name = "通知"
