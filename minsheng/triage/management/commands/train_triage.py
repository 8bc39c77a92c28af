"""Retrain the request classifier from closed tickets and make it active (or roll back)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.triage import training


class Command(BaseCommand):
    help = "Train a new model version from history and activate it; --rollback goes back one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rollback", action="store_true")
        parser.add_argument("--no-activate", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["rollback"]:
                version = training.roll_back()
            else:
                version = training.train(activate_it=not opts["no_activate"], note="command")
        except training.TrainingError as error:
            raise CommandError(str(error)) from error
        m = version.metrics
        summary = {
            "version": version.pk,
            "active": version.is_active,
            "n_train": version.n_train,
            "macro_f1": m.get("macro_f1"),
            "accuracy": m.get("accuracy"),
            "fit_seconds": m.get("fit_seconds"),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
