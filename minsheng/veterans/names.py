"""Chinese personal names compared character by character (姓名比对).

Pure. A name is normalised (full-width forms, traditional → simplified by OpenCC's `t2s`, a
short table of variant forms OpenCC leaves and of informal substitutions families write), then
each character carries its readings (pypinyin, every reading of a heteronym, toneless) and the
"fuzzy" form of each reading (模糊音: zh/z, ch/c, sh/s, n/l, h/f, -ng/-n, as input methods
merge them). Two names are aligned by a weighted edit distance whose substitution cost says how
alike two characters are; the result is a level and a reason in words.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin import Style, pinyin

# Variant forms (异体字) OpenCC's t2s keeps, and substitutions so common in registers that they
# count as the same character: 萧→肖 and 阎→闫 (the 1977 second simplification, withdrawn but
# still written), 傅→付 (a frequent misspelling of the surname).
VARIANTS = str.maketrans(
    {
        "淸": "清",
        "衞": "卫",
        "畧": "略",
        "煇": "辉",
        "亷": "廉",
        "嶽": "岳",
        "甯": "宁",
        "邨": "村",
        "塲": "场",
        "兪": "俞",
        "萧": "肖",
        "阎": "闫",
        "傅": "付",
        "𪸩": "辉",
    }
)
_DROP = re.compile(r"[\s·•．.・\-_()（）\[\]【】\"'“”‘’]")
_HAN = re.compile(r"^[\u3400-\u9fff\U00020000-\U0002ffff]+$")
# Fuzzy initials and finals, longest first (模糊音 as input methods offer them).
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("r", "l"), ("f", "h"))
_FUZZY_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))

SAME, VARIANT, HOMOPHONE, NEAR, DIFFERENT = range(5)
# Alignment costs; a dropped or added character costs INDEL.
_COST = {SAME: 0.0, VARIANT: 0.0, HOMOPHONE: 0.3, NEAR: 0.5, DIFFERENT: 1.0}
INDEL = 0.8

# Levels of a whole-name comparison, best first.
EXACT, FORM, SOUND, NEAR_SOUND, DROPPED, PARTIAL, NONE = (
    "exact",
    "variant",
    "homophone",
    "near",
    "dropped",
    "partial",
    "none",
)
LEVELS = (EXACT, FORM, SOUND, NEAR_SOUND, DROPPED, PARTIAL, NONE)

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplify_char(ch: str) -> str:
    return _T2S.convert(ch).translate(VARIANTS)[:1] or ch


@lru_cache(maxsize=1 << 18)
def normalise(name: str) -> str:
    """The name as compared: NFKC, no spaces or dots, simplified, variant forms unified."""
    text = _DROP.sub("", unicodedata.normalize("NFKC", name or ""))
    return "".join(simplify_char(ch) for ch in text)


def is_chinese(name: str) -> bool:
    return bool(name) and bool(_HAN.match(name))


@lru_cache(maxsize=8192)
def fuzzy(syllable: str) -> str:
    """The syllable as a listener who merges the usual confusions hears it."""
    if syllable.startswith("huang"):  # 黄/王 sound alike in Wu, Gan and Hakka
        syllable = "w" + syllable[2:]
    for old, new in _FUZZY_INITIALS:
        if syllable.startswith(old):
            syllable = new + syllable[len(old) :]
            break
    for old, new in _FUZZY_FINALS:
        if syllable.endswith(old):
            return syllable[: -len(old)] + new
    return syllable


@lru_cache(maxsize=65536)
def readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of a character, the usual one first (a surname's too: 单 shan)."""
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(found[0]) if found and found[0] else (ch,)


@lru_cache(maxsize=65536)
def fuzzy_readings(ch: str) -> frozenset[str]:
    return frozenset(fuzzy(r) for r in readings(ch))


def syllables(name: str) -> list[str]:
    """The fuzzy form of each character's usual reading: the key names are blocked on."""
    return [fuzzy(readings(ch)[0]) for ch in name]


@lru_cache(maxsize=1 << 18)
def compare_chars(a: str, b: str, *, surname: bool = False) -> int:
    """How alike two normalised characters are: SAME … DIFFERENT. A surname may be read any of
    its ways (单 shan, 曾 zeng); a given name's character is heard in its usual reading, since
    rare readings of a heteronym are not what families mishear."""
    if a == b:
        return SAME
    if surname:
        if set(readings(a)) & set(readings(b)):
            return HOMOPHONE
        return NEAR if fuzzy_readings(a) & fuzzy_readings(b) else DIFFERENT
    ra, rb = readings(a)[0], readings(b)[0]
    if ra == rb:
        return HOMOPHONE
    return NEAR if fuzzy(ra) == fuzzy(rb) else DIFFERENT


@dataclass(frozen=True)
class NameMatch:
    """The comparison of two names: a level (EXACT … NONE) and what differs, in words."""

    level: str
    reason: str
    cost: float = 0.0


@lru_cache(maxsize=1 << 18)
def compare(raw_a: str, raw_b: str) -> NameMatch:
    """Compare a remembered name with a recorded one, character by character."""
    a, b = normalise(raw_a), normalise(raw_b)
    if not a or not b:
        return NameMatch(NONE, "姓名缺失", 9.0)
    if a == b:
        if (
            unicodedata.normalize("NFKC", raw_a).strip()
            == unicodedata.normalize("NFKC", raw_b).strip()
        ):
            return NameMatch(EXACT, f"姓名一致：{b}")
        return NameMatch(FORM, f"繁简或异体字：{raw_a}／{raw_b}")
    cost, ops = _align(a, b)
    homophones = [f"{x}→{y}" for kind, x, y in ops if kind == HOMOPHONE]
    nears = [f"{x}→{y}" for kind, x, y in ops if kind == NEAR]
    indels = [x or y for kind, x, y in ops if kind == -1]
    differs = [f"{x}→{y}" for kind, x, y in ops if kind == DIFFERENT]
    if not indels and not differs and not nears:
        return NameMatch(SOUND, f"同音字：{'、'.join(homophones)}", cost)
    if not indels and not differs:
        return NameMatch(NEAR_SOUND, f"近音字：{'、'.join(homophones + nears)}", cost)
    if len(indels) == 1 and not differs and min(len(a), len(b)) >= 2:
        extra = f"；另有音近字 {'、'.join(homophones + nears)}" if homophones or nears else ""
        return NameMatch(DROPPED, f"多或少一字：“{indels[0]}”{extra}", cost)
    same_surname = compare_chars(a[0], b[0], surname=True) in (SAME, HOMOPHONE)
    shared = set(a[1:]) & set(b[1:])
    if same_surname and shared and len(differs) + len(indels) <= 1:
        return NameMatch(PARTIAL, f"同姓，名中同字“{''.join(sorted(shared))}”", cost)
    return NameMatch(NONE, f"姓名不同：{raw_a}／{raw_b}", cost)


def _align(a: str, b: str) -> tuple[float, list[tuple[int, str, str]]]:
    """Weighted edit distance and the operations (kind, a's char, b's char); kind -1 is a
    character dropped or added."""
    n, m = len(a), len(b)
    dist = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        dist[i][0] = i * INDEL
    for j in range(1, m + 1):
        dist[0][j] = j * INDEL
    kinds = {}
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            kind = compare_chars(a[i - 1], b[j - 1], surname=i == j == 1)
            kinds[i, j] = kind
            dist[i][j] = min(
                dist[i - 1][j - 1] + _COST[kind],
                dist[i - 1][j] + INDEL,
                dist[i][j - 1] + INDEL,
            )
    ops: list[tuple[int, str, str]] = []
    i, j = n, m
    while i or j:
        if i and j and dist[i][j] == dist[i - 1][j - 1] + _COST[kinds[i, j]]:
            if kinds[i, j] != SAME:
                ops.append((kinds[i, j], a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i and dist[i][j] == dist[i - 1][j] + INDEL:
            ops.append((-1, a[i - 1], ""))
            i -= 1
        else:
            ops.append((-1, "", b[j - 1]))
            j -= 1
    return dist[n][m], ops[::-1]


def split_names(text: str) -> list[str]:
    """Names listed in one field: separated by ; ； 、 , ，or /."""
    return [p.strip() for p in re.split(r"[;；、,，/|]", text or "") if p.strip()]


def alias_parts(text: str) -> list[tuple[str, str]]:
    """Aliases as (kind, name): "字:子明;乳名：狗娃;李明" → [("字", "子明"), ("乳名", "狗娃"),
    ("", "李明")]."""
    found = []
    for part in split_names(text):
        kind, sep, name = part.partition(":") if ":" in part else part.partition("：")
        found.append((kind.strip(), name.strip()) if sep else ("", part))
    return [(k, n) for k, n in found if n]
