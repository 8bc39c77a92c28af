"""The request classifier: character n-grams, jieba words and topics, a calibrated linear model.

Pure: no database. Train with `fit(texts, labels)`; optionally add pseudo-documents from the
catalogue (names, keywords, descriptions: the prior that makes a cold start useful) and
unlabelled texts (they shape the vocabulary and the topics; self-training is optional).
`predict` returns ranked labels with probabilities and the words that pushed the decision.
"""

import logging
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.svm import LinearSVC

LARGE = 20_000  # above this many training rows, SGD instead of liblinear
MAX_CHARS = 2000  # a request's meaning is in its opening; 100 kB pastes are cut, not choked on
TOPIC_MIN_DOCS = 2000  # fewer texts than this: no topics (measured: they did not help)
TOPIC_MAX_DOCS = 20_000  # topics are fitted on at most this many texts (a fixed-seed sample)
TOPIC_FEATURES = 20_000  # ... over the features present in the most texts (8 MB at 100 topics)
_SPACE = re.compile(r"\s+")
_MASKED = re.compile(r"[A-Z]\d*[市区县]|[A-Z]\d{4,}|\d+")  # "A市A3区", user ids, numbers


def normalise(text: str) -> str:
    """NFKC, drop control and symbol characters (emoji), collapse space, cap the length."""
    text = unicodedata.normalize("NFKC", text or "")[: MAX_CHARS * 2]
    kept = [ch for ch in text if unicodedata.category(ch)[0] in "LNPZ"]
    return _SPACE.sub(" ", "".join(kept)).strip()[:MAX_CHARS]


def _words(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(_MASKED.sub(" ", text), HMM=False) if w.strip() and len(w) > 1]


@dataclass
class Prediction:
    """Ranked labels with calibrated probabilities, and the words behind the first one."""

    labels: list[tuple[str, float]]
    words: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.labels[0][0]

    @property
    def confidence(self) -> float:
        return self.labels[0][1]


@dataclass
class Options:
    """How to train; the defaults are the measured best (docs/triage.md)."""

    words: bool = True  # jieba word unigrams beside character n-grams
    topics: int = 100  # LSA dimensions appended to the sparse features (0: none)
    model: str = "svm"  # LinearSVC, probabilities by a calibrated softmax of margins; or "logreg"
    c: float = 3.0  # scaled: LinearSVC gets C = c/10 (grouped CV on 附件2, docs/triage.md)
    prior_weight: float = 0.5  # weight of each catalogue pseudo-document
    self_training: int = 0  # rounds over the unlabelled texts (did not help: docs/triage.md)
    threshold: float = 0.6  # minimum probability to adopt a pseudo-label
    unlabeled_weight: float = 0.5
    class_weight: str | None = "balanced"


class Featurizer:
    """TF-IDF over character 1–3 grams and, optionally, jieba words; fitted once, shared."""

    def __init__(self, *, words: bool = True, topics: int = Options.topics) -> None:
        self.chars = TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, 3),
            sublinear_tf=True,
            max_features=100_000,
            dtype=np.float32,
        )
        self.words = (
            TfidfVectorizer(
                analyzer=_words, sublinear_tf=True, max_features=50_000, dtype=np.float32
            )
            if words
            else None
        )
        self.topics = topics
        # Topic basis: rows of the selected features, `topic_row[feature]` its row or -1.
        self.topic_basis: np.ndarray | None = None
        self.topic_row: np.ndarray | None = None
        self._names: np.ndarray | None = None

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        blocks = [self.chars.fit_transform(texts)]
        if self.words is not None:
            blocks.append(self.words.fit_transform(texts))
        x = sparse.hstack(blocks, format="csr")
        self._fit_topics(x)
        return self._with_topics(x)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        blocks = [self.chars.transform(texts)]
        if self.words is not None:
            blocks.append(self.words.transform(texts))
        return self._with_topics(sparse.hstack(blocks, format="csr"))

    def _fit_topics(self, x: sparse.csr_matrix) -> None:
        """LSA: a truncated SVD of the TF-IDF matrix, over its most widespread features.

        Unlabelled texts fitted here teach which words go together, which a few hundred
        labelled examples cannot (docs/triage.md, "Measured quality").
        """
        self.topic_basis = self.topic_row = None
        k = min(self.topics, x.shape[1] - 1)
        if k < 2 or x.shape[0] < TOPIC_MIN_DOCS:
            return
        if x.shape[0] > TOPIC_MAX_DOCS:
            rows = np.random.default_rng(0).choice(x.shape[0], TOPIC_MAX_DOCS, replace=False)
            x = x[np.sort(rows)]
        spread = np.diff(x.tocsc().indptr)  # texts containing each feature
        columns = np.sort(np.argsort(-spread, kind="stable")[:TOPIC_FEATURES])
        svd = TruncatedSVD(k, random_state=0).fit(x[:, columns])
        self.topic_basis = np.ascontiguousarray(svd.components_.T, dtype=np.float32)
        self.topic_row = np.full(x.shape[1], -1, dtype=np.int32)
        self.topic_row[columns] = np.arange(len(columns), dtype=np.int32)

    def _with_topics(self, x: sparse.csr_matrix) -> sparse.csr_matrix:
        """x with its unit-length topic vector appended (x unchanged when there are no topics)."""
        basis, topic_row = getattr(self, "topic_basis", None), getattr(self, "topic_row", None)
        if basis is None or topic_row is None:  # also a model pickled before topics existed
            return x
        columns = np.flatnonzero(topic_row >= 0)
        z = np.asarray(x[:, columns] @ basis, dtype=np.float32)
        norms = np.linalg.norm(z, axis=1, keepdims=True)
        z = np.divide(z, norms, out=np.zeros_like(z), where=norms > 0)
        return sparse.hstack([x, sparse.csr_matrix(z)], format="csr")

    def transform_one(self, text: str) -> sparse.csr_matrix:
        """`transform([text])` without sklearn's per-call checks: a third of the cost."""
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        offset = 0
        for vectorizer in (self.chars, self.words):
            if vectorizer is None:
                continue
            cache = self._analysers()
            if id(vectorizer) not in cache:
                cache[id(vectorizer)] = vectorizer.build_analyzer()
            analyse = cache[id(vectorizer)]
            vocabulary = vectorizer.vocabulary_
            counts = Counter(vocabulary[f] for f in analyse(text) if f in vocabulary)
            if counts:
                idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                weight = (1 + np.log(tf)) * vectorizer.idf_[idx]
                norm = np.sqrt((weight * weight).sum())
                order = np.argsort(idx)
                indices.append(idx[order] + offset)
                values.append(weight[order] / norm)
            offset += len(vocabulary)
        idx = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        data = np.concatenate(values).astype(np.float32) if values else np.zeros(0, np.float32)
        basis, topic_row = getattr(self, "topic_basis", None), getattr(self, "topic_row", None)
        if basis is not None and topic_row is not None:
            rows = topic_row[idx]
            z = data[rows >= 0] @ basis[rows[rows >= 0]]
            norm = float(np.sqrt((z * z).sum()))
            if norm > 0:
                idx = np.concatenate([idx, offset + np.arange(len(z))])
                data = np.concatenate([data, (z / norm).astype(np.float32)])
            offset += basis.shape[1]
        return sparse.csr_matrix((data, idx, [0, len(idx)]), shape=(1, offset))

    def _analysers(self) -> dict[int, Any]:
        if getattr(self, "_analyser_cache", None) is None:
            self._analyser_cache: dict[int, Any] = {}
        return self._analyser_cache

    def names(self) -> np.ndarray:
        if self._names is None:
            names = list(self.chars.get_feature_names_out())
            if self.words is not None:
                names += list(self.words.get_feature_names_out())
            basis = getattr(self, "topic_basis", None)
            if basis is not None:
                names += [""] * basis.shape[1]  # topics explain nothing by name
            self._names = np.array(names, dtype=object)
        return self._names

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_names": None, "_analyser_cache": None}


class Classifier:
    """A linear model over a Featurizer's features."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.temperature = 3.0  # softmax sharpness over SVM margins; see `calibrate`
        self.classes_: list[str] = []
        self.fit_seconds = 0.0

    # --- training -------------------------------------------------------------------------

    def _model(self, n: int) -> LogisticRegression | LinearSVC | SGDClassifier:
        o = self.options
        if o.model == "logreg":
            return LogisticRegression(C=o.c, max_iter=300, class_weight=o.class_weight)
        if n > LARGE:
            # The same linear SVM objective by SGD: liblinear takes minutes on 100,000 tickets.
            return SGDClassifier(
                loss="hinge",
                alpha=1 / (o.c / 10 * n),
                max_iter=5,
                tol=None,
                random_state=0,
                class_weight=o.class_weight,
            )
        return LinearSVC(C=o.c / 10, class_weight=o.class_weight)

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        unlabeled: Sequence[str] = (),
        prior: dict[str, list[str]] | None = None,
        featurizer: Featurizer | None = None,
        matrix: sparse.csr_matrix | None = None,
    ) -> "Classifier":
        """Train on labelled texts, catalogue pseudo-documents (label -> texts) and unlabelled.

        A fitted `featurizer` (and `matrix`, the features of `texts`) may be shared between
        models trained on the same history.
        """
        started = time.perf_counter()
        ys = list(labels)
        pseudo = [(normalise(t), label) for label, docs in (prior or {}).items() for t in docs]
        extra = [t for t in (normalise(t) for t in unlabeled) if t]
        if len(set(ys) | {label for _, label in pseudo}) < 2:
            raise ValueError("训练需要至少两个类别的样本。")
        docs = [normalise(t) for t in texts] if matrix is None else []
        if featurizer is None:
            featurizer = Featurizer(words=self.options.words, topics=self.options.topics)
            every = featurizer.fit_transform(docs + [d for d, _ in pseudo] + extra)
            x_texts = every[: len(docs)]
            x_pseudo = every[len(docs) : len(docs) + len(pseudo)]
            x_extra = every[len(docs) + len(pseudo) :]
        else:
            x_texts = matrix if matrix is not None else featurizer.transform(docs)
            x_pseudo = featurizer.transform([d for d, _ in pseudo])
            x_extra = featurizer.transform(extra) if extra else x_pseudo[:0]
        self.featurizer = featurizer
        x = sparse.vstack([x_texts, x_pseudo], format="csr")
        ys += [label for _, label in pseudo]
        weights = [1.0] * x_texts.shape[0] + [self.options.prior_weight] * len(pseudo)
        model = self._model(len(ys)).fit(x, ys, sample_weight=weights)
        for _ in range(self.options.self_training if x_extra.shape[0] else 0):
            self._keep(model)
            proba = self._proba(x_extra)
            keep = proba.max(axis=1) >= self.options.threshold
            if not keep.any():
                break
            pseudo_y = np.asarray(model.classes_)[proba.argmax(axis=1)][keep]
            model = self._model(len(ys)).fit(
                sparse.vstack([x, x_extra[keep]]),
                [*ys, *pseudo_y],
                sample_weight=[*weights, *[self.options.unlabeled_weight] * int(keep.sum())],
            )
        self._keep(model)
        self.fit_seconds = time.perf_counter() - started
        return self

    def _keep(self, model: LogisticRegression | LinearSVC | SGDClassifier) -> None:
        """Keep the weights as a (features × classes) float32 array: compact, fast to apply."""
        self.classes_ = [str(c) for c in model.classes_]
        self.weights = np.ascontiguousarray(model.coef_.T, dtype=np.float32)
        self.bias = np.asarray(model.intercept_, dtype=np.float32)
        # Logistic regression keeps its own probabilities; the margins models need only weights.
        self.model = model if isinstance(model, LogisticRegression) else None

    def _proba(self, x: sparse.csr_matrix) -> np.ndarray:
        if self.model is not None:
            return self.model.predict_proba(x)
        # x @ W directly: sklearn's input checks cost more than the product for one text.
        margins = np.asarray(x @ self.weights) + self.bias
        if margins.shape[1] == 1:
            margins = np.column_stack([-margins[:, 0], margins[:, 0]])
        z = np.exp(self.temperature * (margins - margins.max(axis=1, keepdims=True)))
        return z / z.sum(axis=1, keepdims=True)

    def calibrate(self, texts: Sequence[str], labels: Sequence[str]) -> float:
        """Choose the softmax temperature that best predicts held-out labels (least log loss).

        Returns the expected calibration error after, in [0, 1].
        """
        known = {c: i for i, c in enumerate(self.classes_)}
        pairs = [(t, known[y]) for t, y in zip(texts, labels, strict=True) if y in known]
        if not pairs or self.model is not None:
            return 0.0
        x = self.featurizer.transform([normalise(t) for t, _ in pairs])
        y = np.array([i for _, i in pairs])
        best = (np.inf, self.temperature)
        for temperature in (0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24):
            self.temperature = temperature
            p = self._proba(x)[np.arange(len(y)), y]
            best = min(best, (float(-np.log(np.clip(p, 1e-9, 1)).mean()), temperature))
        self.temperature = best[1]
        proba = self._proba(x)
        confidence, right = proba.max(axis=1), proba.argmax(axis=1) == y
        bins = np.minimum((confidence * 10).astype(int), 9)
        gaps = [
            abs(confidence[bins == b].mean() - right[bins == b].mean()) * (bins == b).sum()
            for b in range(10)
            if (bins == b).any()
        ]
        return float(sum(gaps) / len(y))

    # --- prediction -----------------------------------------------------------------------

    def predict_labels(self, texts: Sequence[str]) -> list[str]:
        """The best label of each text (batch; what the evaluation scores)."""
        x = self.featurizer.transform([normalise(t) for t in texts])
        return [self.classes_[i] for i in self._proba(x).argmax(axis=1)]

    def predict(self, text: str, *, top: int = 3, explain: int = 6) -> Prediction:
        """Ranked labels for one text, with the words that drove the first one."""
        x = self.featurizer.transform_one(normalise(text))
        proba = self._proba(x)[0]
        order = np.argsort(-proba)[:top]
        labels = [(self.classes_[i], float(proba[i])) for i in order]
        return Prediction(labels=labels, words=self._drivers(x, order[0], explain))

    def _drivers(self, x: sparse.csr_matrix, klass: int, n: int) -> list[str]:
        if n <= 0 or x.nnz == 0:
            return []
        w = self.weights
        column = w[:, klass] if w.shape[1] > 1 else (w[:, 0] if klass == 1 else -w[:, 0])
        idx = x.indices
        contribution = x.data * column[idx]
        names = self.featurizer.names()
        words: list[str] = []
        for i in np.argsort(-contribution):
            if contribution[i] <= 0:
                break
            word = str(names[idx[i]]).strip()
            if len(word) < 2 or any(word in w or w in word for w in words):
                continue
            words.append(word)
            if len(words) == n:
                break
        return words
