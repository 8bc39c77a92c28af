from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "minsheng.webhooks"
    verbose_name = "事件推送"
