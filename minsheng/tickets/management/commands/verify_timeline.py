from collections.abc import Generator
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError

from minsheng.tickets import anchors, chain
from minsheng.tickets.models import Ticket, TicketEvent


class Command(BaseCommand):
    help = (
        "Check every ticket's hash-chained timeline and that the ticket's own row agrees with "
        "it, and every anchored root (tickets.anchors); name every broken ticket and anchor and "
        "exit non-zero if there is one."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--ticket", help="check only this ticket number")

    def handle(self, *args: Any, **options: Any) -> None:
        tickets = Ticket.objects.order_by("pk")
        if options["ticket"]:
            tickets = tickets.filter(number=options["ticket"])
        checked, broken = 0, []
        # iterator() returns a generator (the stubs say Iterator), hence close() below.
        rows = cast(
            Generator[tuple[int, str], None, None],
            tickets.values_list("pk", "number").iterator(chunk_size=2000),
        )
        try:
            for ticket_id, number in rows:
                problem = self._check(ticket_id)
                if problem:
                    broken.append(f"工单 {number} {problem}")
                checked += 1
        finally:
            # Close the server-side cursor now: left to the garbage collector, it would be
            # closed later in the middle of another query on the same connection.
            rows.close()
        sealed = [] if options["ticket"] else anchors.problems()
        if sealed:
            broken.extend(sealed)
        if broken:
            shown = "\n".join(broken[:100])
            more = f"\n……另有 {len(broken) - 100} 张" if len(broken) > 100 else ""
            tickets_broken = len(broken) - len(sealed)
            raise CommandError(
                f"已校验 {checked} 张工单，{tickets_broken} 张的流转记录有问题"
                f"{f'，{len(sealed)} 处锚点不符' if sealed else ''}：\n{shown}{more}"
            )
        held = 0 if options["ticket"] else len(anchors.read())
        sealed_note = f"，{held} 个锚点相符" if held else ""
        self.stdout.write(f"已校验 {checked} 张工单的流转记录，全部完好{sealed_note}。")

    def _check(self, ticket_id: int) -> str | None:
        """What is wrong with one ticket's timeline or row, or None."""
        ticket = Ticket.objects.get(pk=ticket_id)
        events = list(TicketEvent.objects.filter(ticket_id=ticket_id).order_by("seq"))
        broken = chain.first_break(events)
        if broken is not None:
            return f"的流转记录在第 {broken} 条处断链（可能被篡改）。"
        return chain.row_disagrees(ticket, events)
