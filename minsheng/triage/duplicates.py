"""How alike two request texts are (重复诉求): cosine of character-bigram counts. Pure."""

import math
from collections import Counter
from collections.abc import Hashable, Iterable
from typing import TypeVar

from minsheng.triage.classifier import normalise

K = TypeVar("K", bound=Hashable)


def bigrams(text: str) -> Counter[str]:
    text = "".join(ch for ch in normalise(text)[:1000] if not ch.isspace())
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def similarity(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two bigram counts, 0 (nothing shared) to 1 (same text)."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(n * large[g] for g, n in small.items() if g in large)
    norm = math.sqrt(sum(n * n for n in a.values())) * math.sqrt(sum(n * n for n in b.values()))
    return dot / norm


def rank(
    text: str, candidates: Iterable[tuple[K, str]], *, threshold: float = 0.3, top: int = 5
) -> list[tuple[K, float]]:
    """The candidates whose text is at least `threshold` alike, most alike first."""
    mine = bigrams(text)
    scored = [(key, similarity(mine, bigrams(other))) for key, other in candidates]
    scored = [(key, round(s, 3)) for key, s in scored if s >= threshold]
    return sorted(scored, key=lambda pair: -pair[1])[:top]
