"""Choosing a category on the phone: searching the leaves, and a sensible guess for "不知道选哪个".

Pure: works on `Leaf` snapshots of the catalogue, so it is tested without a database.
"""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Leaves whose names say "anything else"; the guess falls back to them before the first leaf.
GENERAL_NAMES = ("其他", "综合", "意见建议", "政策咨询")


@dataclass(frozen=True)
class Leaf:
    pk: int
    code: str
    name: str
    group: str
    keywords: tuple[str, ...] = ()
    request_types: tuple[str, ...] = ()

    def allows(self, request_type: str) -> bool:
        return not self.request_types or request_type in self.request_types

    @property
    def search_text(self) -> str:
        return " ".join((self.name, self.group, *self.keywords))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def search(leaves: Iterable[Leaf], query: str) -> list[Leaf]:
    """Leaves whose name, group or keywords contain every word of the query."""
    words = _norm(query).split()
    return [leaf for leaf in leaves if all(w in _norm(leaf.search_text) for w in words)]


def guess(text: str, request_type: str, leaves: Sequence[Leaf]) -> Leaf | None:
    """The leaf for a resident who does not know which to pick.

    The leaf whose name and keywords appear most in the text (longer matches weigh more); else a
    general leaf; else the first leaf; always one that accepts the request type.
    """
    allowed = [leaf for leaf in leaves if leaf.allows(request_type)]
    if not allowed:
        return None
    body = _norm(text)
    best, best_score = None, 0
    for leaf in allowed:
        score = sum(len(word) for word in {leaf.name, *leaf.keywords} if word and word in body)
        if score > best_score:
            best, best_score = leaf, score
    if best is not None:
        return best
    for name in GENERAL_NAMES:
        general = next((leaf for leaf in allowed if name in leaf.name), None)
        if general is not None:
            return general
    return allowed[0]
