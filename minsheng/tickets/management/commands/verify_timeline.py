from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.tickets import chain
from minsheng.tickets.models import Ticket, TicketEvent


class Command(BaseCommand):
    help = "Check every ticket's hash-chained timeline; exit non-zero at the first broken ticket."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--ticket", help="check only this ticket number")

    def handle(self, *args: Any, **options: Any) -> None:
        tickets = Ticket.objects.order_by("pk")
        if options["ticket"]:
            tickets = tickets.filter(number=options["ticket"])
        checked = 0
        for ticket_id, number in tickets.values_list("pk", "number").iterator(chunk_size=2000):
            events = TicketEvent.objects.filter(ticket_id=ticket_id).order_by("seq")
            broken = chain.first_break(events.iterator())
            if broken is not None:
                raise CommandError(
                    f"工单 {number} 的流转记录在第 {broken} 条处断链（可能被篡改）。"
                )
            checked += 1
        self.stdout.write(f"已校验 {checked} 张工单的流转记录，全部完好。")
