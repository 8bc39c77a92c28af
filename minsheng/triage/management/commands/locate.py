"""Print the place recognised in a request text as JSON."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from minsheng.triage import queries


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # offline tools: no need to load every URLconf
    help = 'Recognise the place in a request text: minsheng locate "TEXT" [--address A].'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text")
        parser.add_argument("--address", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        location = queries.deployment_gazetteer().locate(opts["text"], address=opts["address"])
        self.stdout.write(json.dumps(location.as_dict(), ensure_ascii=False))
