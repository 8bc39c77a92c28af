"""How well the classifier does on labelled messages, cross-validated (never one split). Pure.

`cross_validate` runs stratified k-fold over the labelled texts, `seeds` times with different
shuffles. With `labels` set it measures a cold start instead: in each split only that many
labelled texts (drawn in proportion from the training folds) are used, the rest of the training
folds become unlabelled text beside `unlabeled`, and `prior` (the category tree) is given.
Each split's macro-F1 is one score; the result holds their mean, spread and every score.
Repeated postings of one message are kept in one fold (`groups`, by default the text itself):
otherwise a model is scored on copies of what it trained on.
"""

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from minsheng.triage import metrics
from minsheng.triage.classifier import Classifier, Options


def stratified_sample(labels: Sequence[str], n: int, rng: np.random.Generator) -> list[int]:
    """About n indices with every label in proportion (at least 2 of each)."""
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    chosen: list[int] = []
    for members in by_label.values():
        k = max(2, round(n * len(members) / len(labels)))
        chosen += [int(i) for i in rng.choice(members, size=min(k, len(members)), replace=False)]
    return sorted(chosen)


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    options: Options | None = None,
    folds: int = 5,
    seeds: int = 3,
    cold_labels: int | None = None,
    unlabeled: Sequence[str] = (),
    prior: dict[str, list[str]] | None = None,
    groups: Sequence[str] | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Mean macro-F1 (and sd, min, max, every split) of `options` over folds × seeds."""
    groups = list(groups) if groups is not None else ["".join(t.split()) for t in texts]
    scores: list[float] = []
    fits: list[float] = []
    speeds: list[float] = []
    for seed in range(seeds):
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
        split = splitter.split(np.zeros(len(labels)), labels, groups)
        for k, (train, test) in enumerate(split):
            extra = list(unlabeled)
            split_prior = None
            if cold_labels is not None:
                rng = np.random.default_rng(1000 * seed + k)
                picked = stratified_sample([labels[i] for i in train], cold_labels, rng)
                kept = set(picked)
                extra = [texts[train[i]] for i in range(len(train)) if i not in kept] + extra
                train = train[picked]
                split_prior = prior
            model = Classifier(options).fit(
                [texts[i] for i in train],
                [labels[i] for i in train],
                unlabeled=extra,
                prior=split_prior,
            )
            started = time.perf_counter()
            predicted = model.predict_labels([texts[i] for i in test])
            seconds = time.perf_counter() - started
            score = metrics.score([labels[i] for i in test], predicted)["macro_f1"]
            scores.append(float(score))
            fits.append(model.fit_seconds)
            speeds.append(len(test) / seconds if seconds else 0.0)
            say(f"seed {seed} fold {k}: macro-F1 {score:.4f} (fit {model.fit_seconds:.1f} s)")
    return {
        "macro_f1": round(statistics.mean(scores), 4),
        "sd": round(statistics.stdev(scores), 4) if len(scores) > 1 else 0.0,
        "min": round(min(scores), 4),
        "max": round(max(scores), 4),
        "scores": [round(s, 4) for s in scores],
        "folds": folds,
        "seeds": seeds,
        "cold_labels": cold_labels,
        "fit_seconds": round(statistics.mean(fits), 1),
        "predict_per_second": round(statistics.mean(speeds)),
    }
