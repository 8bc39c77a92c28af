"""Train the request classifier on one CSV, score it on another; print one JSON line.

With --folds the two files' labelled rows are pooled and cross-validated instead (stratified
k-fold × --seeds shuffles; --cold-labels N keeps only N labels per split, the rest unlabelled):
the figures docs/triage.md reports are measured this way, never on one split.
"""

import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.triage import evaluation, metrics
from minsheng.triage.classifier import Classifier, Options
from minsheng.triage.prior import read_taxonomy

csv.field_size_limit(sys.maxsize)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except FileNotFoundError as error:
        raise CommandError(f"{path}: no such file") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 ({error.reason})") from error


def texts_of(rows: list[dict[str, str]], columns: list[str]) -> list[str]:
    return [" ".join((row.get(c) or "").strip() for c in columns).strip() for row in rows]


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # offline tools: no need to load every URLconf
    help = "Train on --train, predict --test, print macro-F1 and speed as one JSON line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, type=Path)
        parser.add_argument("--test", required=True, type=Path)
        parser.add_argument("--text-columns", required=True, help="comma-separated")
        parser.add_argument("--label-column", required=True)
        parser.add_argument("--unlabeled", action="append", type=Path, default=[])
        parser.add_argument("--taxonomy", type=Path, help="category tree CSV: label first")
        parser.add_argument("--predictions-out", type=Path)
        parser.add_argument("--model", choices=["svm", "logreg"], default=Options.model)
        parser.add_argument("--c", type=float, default=Options.c)
        parser.add_argument("--no-words", action="store_true", help="character n-grams only")
        parser.add_argument("--topics", type=int, default=Options.topics, help="LSA dims, 0: none")
        parser.add_argument("--self-training", type=int, default=Options.self_training)
        parser.add_argument("--prior-weight", type=float, default=Options.prior_weight)
        parser.add_argument("--class-weight", choices=["balanced", "none"], default="balanced")
        parser.add_argument("--folds", type=int, help="cross-validate over both files' rows")
        parser.add_argument("--seeds", type=int, default=3, help="shuffles of the folds")
        parser.add_argument("--cold-labels", type=int, help="labels per split (a cold start)")

    def handle(self, *args: Any, **opts: Any) -> None:
        columns = [c.strip() for c in opts["text_columns"].split(",") if c.strip()]
        label = opts["label_column"]
        data = {}
        for key in ("train", "test"):
            header, rows = read_rows(opts[key])
            missing = [c for c in [*columns, label] if c not in header]
            if missing:
                raise CommandError(f"{opts[key]}: missing column(s) {', '.join(missing)}")
            rows = [r for r in rows if (r.get(label) or "").strip()]
            data[key] = (texts_of(rows, columns), [r[label].strip() for r in rows], rows, header)
        unlabeled: list[str] = []
        for path in opts["unlabeled"]:
            header, rows = read_rows(path)
            present = [c for c in columns if c in header]
            if not present:
                raise CommandError(f"{path}: none of the text columns {columns}")
            unlabeled += texts_of(rows, present)
        train_labels = set(data["train"][1])
        prior = None
        if opts["taxonomy"]:
            tree = read_taxonomy(opts["taxonomy"])
            # With no labelled rows (a cold start), every category of the tree is a candidate.
            prior = {k: v for k, v in tree.items() if not train_labels or k in train_labels}
        options = Options(
            words=not opts["no_words"],
            topics=opts["topics"],
            model=opts["model"],
            c=opts["c"],
            self_training=opts["self_training"],
            prior_weight=opts["prior_weight"],
            class_weight=None if opts["class_weight"] == "none" else "balanced",
        )
        if opts["folds"]:
            self._cross_validate(data, unlabeled, prior, options, opts)
            return
        self.stderr.write(f"training on {len(data['train'][0])} rows, {len(unlabeled)} unlabelled")
        try:
            classifier = Classifier(options).fit(
                data["train"][0], data["train"][1], unlabeled=unlabeled, prior=prior
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        test_texts, test_labels, test_rows, header = data["test"]
        started = time.perf_counter()
        predicted = classifier.predict_labels(test_texts)
        seconds = time.perf_counter() - started
        if opts["predictions_out"]:
            with opts["predictions_out"].open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([*header, "predicted"])
                for row, guess in zip(test_rows, predicted, strict=True):
                    writer.writerow([*(row.get(c, "") for c in header), guess])
        result = metrics.score(test_labels, predicted)
        result.pop("n")
        result.update(
            n_train=len(data["train"][0]),
            n_test=len(test_texts),
            n_unlabeled=len(unlabeled),
            fit_seconds=round(classifier.fit_seconds, 2),
            predict_per_second=round(len(test_texts) / seconds, 1) if seconds else None,
            options=vars(options),
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _cross_validate(
        self,
        data: dict[str, Any],
        unlabeled: list[str],
        prior: dict[str, list[str]] | None,
        options: Options,
        opts: dict[str, Any],
    ) -> None:
        if opts["folds"] < 2 or opts["seeds"] < 1:
            raise CommandError("--folds must be at least 2 and --seeds at least 1")
        pooled = dict(zip(data["train"][0], data["train"][1], strict=True))
        pooled.update(zip(data["test"][0], data["test"][1], strict=True))  # one row per text
        texts, labels = list(pooled), list(pooled.values())
        try:
            result = evaluation.cross_validate(
                texts,
                labels,
                options=options,
                folds=opts["folds"],
                seeds=opts["seeds"],
                cold_labels=opts["cold_labels"],
                unlabeled=unlabeled,
                prior=prior,
                say=self.stderr.write,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        result.update(n=len(texts), n_unlabeled=len(unlabeled), options=vars(options))
        self.stdout.write(json.dumps(result, ensure_ascii=False))
