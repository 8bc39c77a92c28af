"""Classifier quality on real labels: teddy-cup 2020 C 附件2 (fj2_labeled.csv), cross-validated.

    .venv/bin/python benchmarks/triage_quality.py [--data ../shared/data/teddy-cup-2020-c]
        [--folds 5] [--seeds 3] [--labels 400] [--variants landed,chars] [--regimes history,cold]
        [--small]

Two regimes (issue 12, docs/triage.md "Measured quality"):
- history: stratified k-fold over the labelled messages; train on k-1 folds, score the last.
- cold: for each fold, `--labels` messages drawn (stratified) from the other folds are the only
  labels; the rest of those folds, 附件3 and the organiser's test messages are unlabelled text,
  and the category tree (附件1) is the prior. Scored on the held-out fold.
Each (seed, fold) is one score; the JSON gives their mean and spread per variant and regime.
Reposted messages (same title, or same opening) stay in one fold: split apart, they inflate the
history figure by several points.
Texts: title + message (the team's tokens with spaces removed where the message is missing).
The data has no licence: it is read from ../shared, never copied into the repository.
One core (BLAS threads pinned to 1); the last stdout line is one JSON object.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minsheng.triage import classifier as triage_classifier  # noqa: E402
from minsheng.triage import evaluation  # noqa: E402
from minsheng.triage.classifier import Options  # noqa: E402
from minsheng.triage.prior import read_taxonomy  # noqa: E402

csv.field_size_limit(sys.maxsize)
DATA = ROOT.parent / "shared" / "data" / "teddy-cup-2020-c"
# Each variant: the options it trains with, and how a message becomes its text.
VARIANTS: dict[str, dict[str, Any]] = {
    "landed": {},  # the deployed defaults (classifier.Options)
    "chars": {"words": False, "topics": 0},  # character TF-IDF + linear SVM: the reference
    "title2": {"title_twice": True},  # the title counted twice: it says what the message is
    "c3": {"c": 3.0},
    "title2_c3": {"title_twice": True, "c": 3.0},
    "topics300": {"topics": 300},
    "self_train": {"self_training": 2},
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def labelled(data: Path) -> list[tuple[str, str, str]]:
    """(title, message, label) of every labelled 附件2 row."""
    rows = []
    for r in _read(data / "fj2_labeled.csv"):
        message = (r.get("留言详情") or "").strip() or (r.get("分词") or "").replace(" ", "")
        rows.append(((r.get("留言主题") or "").strip(), message, r["一级分类"].strip()))
    return rows


def unlabelled(data: Path) -> list[str]:
    texts = []
    for name in ("fj3_hot_issue_messages.csv", "test_messages_unlabeled.csv"):
        texts += [f"{r['留言主题']} {r['留言详情']}".strip() for r in _read(data / name)]
    return texts


def text_of(title: str, message: str, *, title_twice: bool = False) -> str:
    return f"{title} {title} {message}" if title_twice else f"{title} {message}"


def duplicate_groups(rows: list[tuple[str, str, str]]) -> list[str]:
    """One group per message reposted: rows sharing a title or their message's opening."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, (title, message, _) in enumerate(rows):
        keys = [f"t:{title}"] if len(title) >= 6 else []
        opening = "".join(message.split())[:60]
        keys += [f"m:{opening}"] if len(opening) >= 20 else []
        for key in keys:
            if key in seen:
                parent[root(i)] = root(seen[key])
            else:
                seen[key] = i
    return [str(root(i)) for i in range(len(rows))]


def evaluate(
    regime: str,
    variant: dict[str, Any],
    rows: list[tuple[str, str, str]],
    pool: list[str],
    tree: dict[str, list[str]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    twice = variant.get("title_twice", False)
    options = Options(**{k: v for k, v in variant.items() if k != "title_twice"})
    found = evaluation.cross_validate(
        [text_of(title, message, title_twice=twice) for title, message, _ in rows],
        [label for _, _, label in rows],
        options=options,
        folds=args.folds,
        seeds=args.seeds,
        cold_labels=args.labels if regime == "cold" else None,
        unlabeled=pool if regime == "cold" else (),
        prior=tree if regime == "cold" else None,
        groups=duplicate_groups(rows),
        say=lambda line: log(f"  {line}"),
    )
    found.pop("scores")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--labels", type=int, default=400, help="labels in the cold start")
    parser.add_argument("--variants", default="landed,chars")
    parser.add_argument("--regimes", default="history,cold")
    parser.add_argument("--small", action="store_true", help="1,000 messages, 2 folds, 1 seed")
    args = parser.parse_args()
    if not (args.data / "fj2_labeled.csv").exists():
        print(json.dumps({"error": f"no fj2_labeled.csv in {args.data}"}))
        sys.exit(1)
    # jieba is the slow part of featurising; every split reads the same messages.
    triage_classifier._words = functools.lru_cache(maxsize=None)(triage_classifier._words)  # type: ignore[assignment]
    rows = labelled(args.data)
    pool = unlabelled(args.data)
    if args.small:
        rng = np.random.default_rng(0)
        rows = [rows[i] for i in sorted(rng.choice(len(rows), 1000, replace=False))]
        pool = pool[:500]
        args.folds, args.seeds, args.labels = 2, 1, 100
    tree = read_taxonomy(args.data / "fj1_label_taxonomy.csv")
    tree = {k: v for k, v in tree.items() if k in {r[2] for r in rows}}
    results: dict[str, Any] = {
        "data": "teddy-cup-2020-c/fj2_labeled.csv",
        "n": len(rows),
        "n_unlabelled": len(pool),
        "folds": args.folds,
        "seeds": args.seeds,
        "cold_labels": args.labels,
    }
    for regime in args.regimes.split(","):
        for name in args.variants.split(","):
            log(f"{regime} / {name}")
            found = evaluate(regime, VARIANTS[name], rows, pool, tree, args)
            log(f"{regime} / {name}: {found}")
            results[f"{regime}/{name}"] = found
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
