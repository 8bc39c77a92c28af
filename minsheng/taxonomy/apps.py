from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "minsheng.taxonomy"
    verbose_name = "派单目录"
