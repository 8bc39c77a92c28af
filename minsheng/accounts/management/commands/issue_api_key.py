from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.accounts import keys
from minsheng.accounts.models import ApiKey


class Command(BaseCommand):
    help = "Create an API key for a channel or system; the key is the last line printed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help="the system's name, e.g. 'WeChat mini-program'")
        parser.add_argument("--scopes", default="open311,api", help="comma-separated")

    def handle(self, *args: Any, **options: Any) -> None:
        if ApiKey.objects.filter(name=options["name"]).exists():
            raise CommandError(f"已有名为“{options['name']}”的密钥。")
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        try:
            key, raw = keys.issue(options["name"], scopes=scopes)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"已为“{key.name}”签发密钥（范围：{', '.join(key.scopes)}），只显示这一次："
        )
        self.stdout.write(raw)
