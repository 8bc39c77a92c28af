from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "minsheng.feedback"
    verbose_name = "回访评价"
