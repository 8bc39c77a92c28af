from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "minsheng.tickets"
    verbose_name = "工单"
