from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "minsheng.orgs"
    verbose_name = "组织机构"
