from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "minsheng.knowledge"
    verbose_name = "知识库"
