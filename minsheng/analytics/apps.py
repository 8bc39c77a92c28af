from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "minsheng.analytics"
    verbose_name = "统计分析"
