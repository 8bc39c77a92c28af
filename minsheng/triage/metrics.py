"""Scores of a classifier on labelled examples: macro-F1, accuracy, the worst confusions. Pure."""

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, f1_score


def score(
    truth: Sequence[str], predicted: Sequence[str], *, confusions: int = 15
) -> dict[str, Any]:
    """Macro-F1 over the labels present, accuracy, per-label F1 and the most frequent mistakes."""
    if not truth:
        return {"macro_f1": None, "accuracy": None, "n": 0, "per_label": {}, "confusions": []}
    labels = sorted(set(truth))
    per_label = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    mistakes = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    return {
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "n": len(truth),
        "per_label": {
            label: round(float(f), 4) for label, f in zip(labels, per_label, strict=True)
        },
        "confusions": [[t, p, n] for (t, p), n in mistakes.most_common(confusions)],
    }
