from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "minsheng.assessment"
    verbose_name = "考核"
