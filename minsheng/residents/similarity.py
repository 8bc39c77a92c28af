"""Whether two requests are about the same thing: Jaccard similarity of character bigrams.

Chinese text has no spaces, so overlapping pairs of characters stand in for words; digits and
letters count as characters, punctuation and spaces do not.
"""

import re
import unicodedata
from collections.abc import Hashable, Iterable
from itertools import pairwise
from typing import TypeVar

SIMILAR = 0.2  # measured on real pairs: same problem ≥ 0.2, different problems ≤ 0.1
_KEPT = re.compile(r"[\w]", re.UNICODE)
_LONG_NUMBER = re.compile(r"\d{7,}")
K = TypeVar("K", bound=Hashable)


def bigrams(text: str) -> set[str]:
    """The set of adjacent character pairs of the text, ignoring punctuation and spacing."""
    chars = [c for c in unicodedata.normalize("NFKC", text or "").lower() if _KEPT.match(c)]
    chars = [c for c in chars if c != "_"]
    if len(chars) < 2:
        return set(chars)
    return {a + b for a, b in pairwise(chars)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / |A ∪ B|; 0 when both are empty."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def most_similar(
    text: str, candidates: Iterable[tuple[K, str]], *, threshold: float = SIMILAR, limit: int = 3
) -> list[tuple[K, float]]:
    """The candidates at least `threshold` similar to `text`, most similar first."""
    mine = bigrams(text)
    scored = [(key, jaccard(mine, bigrams(other))) for key, other in candidates]
    kept = [(key, score) for key, score in scored if score >= threshold]
    return sorted(kept, key=lambda pair: -pair[1])[:limit]


def mask_numbers(text: str) -> str:
    """Hide phone-like numbers before another resident's words are shown."""
    return _LONG_NUMBER.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 3), text)
